"""Phone numbers, e-mail addresses and names removed from free text (no database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from callcenter.scrubbing import scrub_text

PHONE, EMAIL, NAME = "[phone number removed]", "[e-mail address removed]", "[name removed]"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "number",
    [
        "030 12345678",
        "030/12345678",
        "030 / 123 456 78",
        "030-123 456 78",
        "030 12345-67",  # DIN 5008 with extension
        "(030) 1234567",
        "0171 1234567",
        "0171-1234567",
        "01711234567",
        "0176 / 98 76 54 32",
        "089.123.456",
        "03334 12345",
        "+49 30 12345678",
        "+49 (0)30 12345678",
        "+49(0)30-1234567",
        "+49 171 1234567",
        "+4930123456",
        "0049 30 12345678",
        "0049-171-1234567",
        "+43 1 5344 0",
        "+1 202 555 0143",
        "030\u2013123456",  # en dash
        "030\u00a012345678",  # no-break space
    ],
)
def test_german_and_international_phone_numbers_are_removed(number: str) -> None:
    result = scrub_text(f"Bitte Rückruf unter {number}, danke.")
    assert result.text == f"Bitte Rückruf unter {PHONE}, danke."
    assert result.found == {"phone": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tel.: 1234567", f"Tel.: {PHONE}"),
        ("Tel 12 34 56", f"Tel {PHONE}"),
        ("Tel.-Nr. 12 34 56", f"Tel.-Nr. {PHONE}"),
        ("Telefon: 4711-0815", f"Telefon: {PHONE}"),
        ("Handy ist 98765", f"Handy ist {PHONE}"),
        ("Rückrufnummer 4711 0815", f"Rückrufnummer {PHONE}"),
        ("Fax: 123456", f"Fax: {PHONE}"),
    ],
)
def test_local_numbers_after_a_label_are_removed(text: str, expected: str) -> None:
    assert scrub_text(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ticket 115-2026-000123 vom 06.12.2026",
        "am 6.1.26 und am 01.02.2026 um 10.30 Uhr",
        "Bitte die 115 anrufen",
        "Tel. 115",
        "PLZ 10115 Berlin, 01067 Dresden",
        "Gebühr 1.234,50 € oder 0,50 €",
        "Öffnungszeiten 08:00-18:00, Raum 0.12",
        "Aktenzeichen 12-345/2026",
        "Hausnummer 12, 3. OG",
        "Frist: 14 Tage, max. 3 Wochen",
        "IBAN-Prüfziffer 89",
    ],
)
def test_dates_ticket_numbers_and_other_figures_stay(text: str) -> None:
    result = scrub_text(text)
    assert result.text == text
    assert not result.found


def test_a_date_next_to_a_number_stays_and_the_number_goes() -> None:
    text = "am 06.12.2026 0171 1234567 angerufen"
    assert scrub_text(text).text == f"am 06.12.2026 {PHONE} angerufen"


@pytest.mark.parametrize(
    "address",
    [
        "max.mustermann@example.org",
        "MAX@EXAMPLE.DE",
        "erika+115@mail.example.co.uk",
        "müller.lüdenscheidt@straße.de",
        "o'brien@example.ie",
        "erika (at) beispiel (punkt) de",
        "erika[at]beispiel.de",
        "erika(at)beispiel[dot]de",
    ],
)
def test_e_mail_addresses_are_removed(address: str) -> None:
    result = scrub_text(f"Antwort an <{address}>.")
    assert result.text == f"Antwort an <{EMAIL}>."
    assert result.found == {"email": 1}


def test_digits_in_an_address_go_with_the_address() -> None:
    result = scrub_text("mail: erika.0301234567@example.org")
    assert result.text == f"mail: {EMAIL}"
    assert result.found == {"email": 1}


@pytest.mark.parametrize("text", ["x@y", "Preis @ 5 €", "user@localhost", "a@b.c"])
def test_things_that_are_no_e_mail_address_stay(text: str) -> None:
    assert scrub_text(text).text == text


def test_the_callers_name_is_removed_whole_and_in_parts() -> None:
    text = (
        "erika mustermann rief an. Mustermanns Antrag liegt vor; MUSTERMANN bittet um "
        "Rückruf, Erika wartet. Frau Mustermann (geb. Müller) schreibt max. 3 Sätze."
    )
    result = scrub_text(text, names=["Erika Mustermann", "Max Müller"])
    assert result.text == (
        f"{NAME} rief an. {NAME} Antrag liegt vor; {NAME} bittet um "
        f"Rückruf, {NAME} wartet. Frau {NAME} (geb. {NAME}) schreibt max. 3 Sätze."
    )
    assert result.found == {"name": 6}


def test_names_match_with_umlauts_written_out() -> None:
    assert scrub_text("Herr Mueller rief an", names=["Jörg Müller"]).text == f"Herr {NAME} rief an"
    assert scrub_text("Fam. Groß", names=["Hans Gross"]).text == f"Fam. {NAME}"


def test_particles_and_titles_of_the_name_are_not_removed_on_their_own() -> None:
    text = "Antrag von der Behörde, Dr. med. Termin"
    assert scrub_text(text, names=["Dr. Anna von der Heide"]).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Frau Erika Musterfrau rief an", f"Frau {NAME} rief an"),
        ("Herrn Özdemir zurückrufen", f"Herrn {NAME} zurückrufen"),
        ("Frau Dr. Erika Musterfrau", f"Frau Dr. {NAME}"),
        ("mit Hr. Meier gesprochen", f"mit Hr. {NAME} gesprochen"),
        ("Familie Schulze-Bauer", f"Familie {NAME}"),
        ("Fr. 10.12. geschlossen", "Fr. 10.12. geschlossen"),
    ],
)
def test_names_after_a_salutation_are_removed_without_knowing_them(
    text: str, expected: str
) -> None:
    assert scrub_text(text).text == expected


def test_everything_at_once_and_twice_is_the_same() -> None:
    text = (
        "Frau Erika Mustermann (erika@example.org, Tel. 030 / 123 456-7, mobil 0171 1234567) "
        "fragt nach Ticket 115-2026-000042 vom 02.03.2026."
    )
    once = scrub_text(text, names=["Erika Mustermann"])
    assert once.text == (
        f"Frau {NAME} ({EMAIL}, Tel. {PHONE}, mobil {PHONE}) "
        "fragt nach Ticket 115-2026-000042 vom 02.03.2026."
    )
    assert once.found == {"name": 1, "email": 1, "phone": 2}
    twice = scrub_text(once.text, names=["Erika Mustermann"])
    assert twice.text == once.text
    assert not twice.found


def test_german_placeholders_are_not_matched_again() -> None:
    with translation.override("de"):
        once = scrub_text("Frau Erika Mustermann, Tel. 030 1234567, e@example.org")
        assert once.text == (
            "Frau [Name entfernt], Tel. [Telefonnummer entfernt], [E-Mail-Adresse entfernt]"
        )
        assert scrub_text(once.text).text == once.text
        assert not scrub_text(once.text).found
