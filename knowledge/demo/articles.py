"""Demo articles for the services 115 is asked about most, following the FIM modules.

Hand-written and realistic, but demo content (``is_demo=True``): fees and rules are typical
for Berlin around 2025 and must not be read out as binding facts. ``external_id`` is the Berlin
DLDB id where the export has the service; the loader then enriches that service instead of
creating a duplicate. Bodies are Markdown.
"""

from __future__ import annotations

from typing import Any, Final

BERLIN: Final = "https://service.berlin.de/dienstleistung"


def _article(
    *,
    title: str,
    topic: str,
    office_type: str,
    short_text: str,
    search_terms: list[str],
    external_id: str | None = None,
    **modules: Any,
) -> dict[str, Any]:
    online = modules.pop("online_service_url", f"{BERLIN}/{external_id}/" if external_id else "")
    return {
        "external_id": external_id,
        "topic": topic,
        "office_type": office_type,
        "content": {
            "title": title,
            "short_text": short_text,
            "search_terms": search_terms,
            "online_service_url": online,
            **modules,
        },
    }


MELDEWESEN = "Meldewesen und Ordnung"
# Root topics of the Berlin DLDB, so demo and imported services share one tree.
VERKEHR = "Auto und Verkehr"
FAMILIE = "Familie, Partnerschaft und Gleichstellung"
SOZIALES = "Wohnen und Bauen"
WIRTSCHAFT = "Wirtschaft"
UMWELT = "Umwelt, Natur und Tiere"
STANDESAMT = "Meldewesen und Ordnung"

ID_DOCUMENT_PHOTO = (
    "- ein aktuelles biometrisches Lichtbild; seit Mai 2025 nur noch digital: im Bürgeramt "
    "am Fotoautomaten oder von einem zertifizierten Fotostudio übermittelt"
)

ARTICLES: Final[list[dict[str, Any]]] = [
    _article(
        external_id="120703",
        title="Personalausweis beantragen",
        topic=MELDEWESEN,
        office_type="buergeramt",
        short_text=(
            "Deutsche ab 16 Jahren müssen einen gültigen Personalausweis oder Reisepass "
            "besitzen. Den Personalausweis beantragen Sie persönlich im Bürgeramt."
        ),
        full_text=(
            "Der Personalausweis ist 10 Jahre gültig (bei Personen unter 24 Jahren 6 Jahre). "
            "Er enthält einen Chip mit Online-Ausweisfunktion, die Sie für Behördengänge im "
            "Internet nutzen können. Die Herstellung übernimmt die Bundesdruckerei."
        ),
        prerequisites=(
            "- deutsche Staatsangehörigkeit\n- Hauptwohnsitz in Berlin\n"
            "- persönliches Erscheinen (auch Kinder; ab 6 Jahren werden Fingerabdrücke "
            "genommen)"
        ),
        required_documents=(
            "- bisheriger Personalausweis oder Reisepass\n"
            f"{ID_DOCUMENT_PHOTO}\n"
            "- bei Erstausstellung: Geburtsurkunde\n"
            "- bei Minderjährigen: Zustimmung aller Sorgeberechtigten"
        ),
        fees=(
            "- ab 24 Jahren: 46,00 Euro\n- unter 24 Jahren: 22,80 Euro\n"
            "- Gebührenbefreiung bei Bedürftigkeit möglich (Nachweis erforderlich)"
        ),
        deadlines="Beantragen Sie den neuen Ausweis rechtzeitig vor Ablauf des alten.",
        processing_time="Etwa 3 bis 4 Wochen; Sie erhalten eine Abholbenachrichtigung per Post.",
        procedure=(
            "1. Termin im Bürgeramt buchen (online oder über 115).\n"
            "2. Antrag persönlich stellen, Fingerabdrücke abgeben, Gebühr zahlen.\n"
            "3. PIN-Brief kommt per Post.\n"
            "4. Ausweis persönlich oder mit Vollmacht abholen."
        ),
        legal_basis="- Personalausweisgesetz (PAuswG)\n- Personalausweisverordnung (PAuswV)",
        further_information="Für Reisen in Nicht-EU-Staaten kann ein Reisepass nötig sein.",
        agent_hint=(
            "Termine nur online oder über 115. Wenn der Ausweis abgelaufen ist, droht kein "
            "Bußgeld, solange ein gültiger Reisepass vorhanden ist. Bei Eile auf den "
            "vorläufigen Personalausweis hinweisen (120682)."
        ),
        search_terms=["Perso", "Ausweis", "Personalausweis neu", "ID-Karte", "eID"],
    ),
    _article(
        external_id="120726",
        title="Verlust des Personalausweises melden (Verlustanzeige)",
        topic=MELDEWESEN,
        office_type="buergeramt",
        short_text=(
            "Ein verlorener oder gestohlener Personalausweis muss unverzüglich gemeldet werden, "
            "damit niemand ihn missbrauchen kann."
        ),
        full_text=(
            "Die Verlustanzeige nimmt jedes Bürgeramt oder die Polizei auf. Der Ausweis wird im "
            "Sperrregister eingetragen. Die Online-Ausweisfunktion sperren Sie zusätzlich über "
            "den Sperrnotruf 116 116."
        ),
        prerequisites="- Verlust oder Diebstahl des Personalausweises",
        required_documents=(
            "- ein anderes amtliches Dokument mit Lichtbild, falls vorhanden (z. B. Reisepass, "
            "Führerschein)\n- bei Diebstahl: Anzeige der Polizei, falls schon erstattet"
        ),
        fees=(
            "- Verlustanzeige: gebührenfrei\n- neuer Personalausweis: siehe "
            '"Personalausweis beantragen"\n- vorläufiger Personalausweis: 10,00 Euro'
        ),
        deadlines="Unverzüglich nach Bemerken des Verlustes.",
        processing_time="Sofort",
        procedure=(
            "1. Online-Ausweisfunktion über 116 116 sperren lassen.\n"
            "2. Verlust im Bürgeramt (Termin) oder bei der Polizei melden.\n"
            "3. Neuen Ausweis beantragen."
        ),
        legal_basis="- § 27 Personalausweisgesetz (PAuswG)",
        agent_hint=(
            "Wird der alte Ausweis wiedergefunden, muss er im Bürgeramt abgegeben werden, er "
            "ist ungültig. Für Reisen kurzfristig: vorläufiger Personalausweis."
        ),
        search_terms=["Perso verloren", "Ausweis gestohlen", "Verlustanzeige", "Ausweis weg"],
    ),
    _article(
        external_id="121151",
        title="Reisepass beantragen",
        topic=MELDEWESEN,
        office_type="buergeramt",
        short_text=(
            "Für Reisen in viele Länder außerhalb der EU benötigen Sie einen Reisepass. Sie "
            "beantragen ihn persönlich im Bürgeramt."
        ),
        full_text=(
            "Der Reisepass ist 10 Jahre gültig, für Personen unter 24 Jahren 6 Jahre. Auf Wunsch "
            "gibt es einen Pass mit 48 statt 32 Seiten oder einen Expresspass."
        ),
        prerequisites="- deutsche Staatsangehörigkeit\n- Hauptwohnsitz in Berlin",
        required_documents=(
            f"- Personalausweis oder bisheriger Reisepass\n{ID_DOCUMENT_PHOTO}\n"
            "- bei Minderjährigen: Zustimmung aller Sorgeberechtigten und deren Ausweise"
        ),
        fees=(
            "- ab 24 Jahren: 70,00 Euro\n- unter 24 Jahren: 37,50 Euro\n"
            "- 48 Seiten: 22,00 Euro Aufschlag\n- Expresszuschlag: 32,00 Euro"
        ),
        deadlines=(
            "Reisepass rechtzeitig vor der Reise beantragen; Einreiseregeln des Ziellandes "
            "beachten."
        ),
        processing_time="Etwa 4 bis 6 Wochen, Expresspass in der Regel 3 Werktage.",
        procedure=(
            "1. Termin im Bürgeramt buchen.\n2. Antrag stellen, Fingerabdrücke abgeben, zahlen.\n"
            "3. Pass nach Benachrichtigung abholen."
        ),
        legal_basis="- Passgesetz (PassG)\n- Passverordnung (PassV)",
        agent_hint=(
            "Manche Länder verlangen eine Restgültigkeit von 6 Monaten. Für Kinder gibt es "
            "seit 2024 keinen Kinderreisepass mehr."
        ),
        search_terms=["Pass", "Reisepass neu", "Expresspass", "Reisedokument"],
    ),
    _article(
        external_id="121469",
        title="Kinderreisepass (seit 2024 abgeschafft)",
        topic=MELDEWESEN,
        office_type="buergeramt",
        short_text=(
            "Seit dem 1. Januar 2024 werden keine Kinderreisepässe mehr ausgestellt oder "
            "verlängert. Kinder erhalten einen Personalausweis oder Reisepass."
        ),
        full_text=(
            "Bereits ausgestellte Kinderreisepässe bleiben bis zum aufgedruckten Ablaufdatum "
            "gültig. Für Reisen außerhalb der EU braucht ein Kind einen eigenen Reisepass."
        ),
        fees=(
            "- Reisepass unter 24 Jahren: 37,50 Euro\n- Personalausweis unter 24 Jahren: 22,80 Euro"
        ),
        legal_basis="- Passgesetz (PassG) in der Fassung ab 1. Januar 2024",
        agent_hint=(
            "Häufige Frage vor den Sommerferien. Auf lange Bearbeitungszeiten des Reisepasses "
            "hinweisen, ggf. Expresspass."
        ),
        search_terms=["Kinderpass", "Kinderausweis", "Pass für Kind", "Baby Pass"],
    ),
    _article(
        external_id="120686",
        title="Anmeldung einer Wohnung",
        topic=MELDEWESEN,
        office_type="buergeramt",
        short_text=(
            "Wer in eine Wohnung einzieht, muss sich innerhalb von zwei Wochen beim Bürgeramt "
            "anmelden. Das gilt auch für einen Umzug innerhalb Berlins (Ummeldung)."
        ),
        full_text=(
            "Die Anmeldung ist in jedem Berliner Bürgeramt möglich. Sie erhalten eine "
            "Meldebestätigung; die neue Adresse wird auf dem Personalausweis vermerkt."
        ),
        prerequisites="- Einzug in eine Wohnung in Berlin",
        required_documents=(
            "- Personalausweis oder Reisepass aller anzumeldenden Personen\n"
            "- Wohnungsgeberbestätigung (vom Vermieter ausgefüllt)\n"
            "- ausgefülltes Anmeldeformular\n"
            "- bei Kindern: Geburtsurkunde, falls nicht bereits im Melderegister"
        ),
        fees="gebührenfrei",
        deadlines="Innerhalb von 2 Wochen nach dem Einzug.",
        processing_time="Sofort, im Termin.",
        procedure=(
            "1. Termin im Bürgeramt buchen.\n2. Unterlagen vorlegen.\n"
            "3. Meldebestätigung und Adressaufkleber für den Ausweis erhalten."
        ),
        legal_basis="- § 17 Bundesmeldegesetz (BMG)\n- § 19 BMG (Wohnungsgeberbestätigung)",
        forms=[
            {"title": "Anmeldung bei der Meldebehörde", "url": f"{BERLIN}/120686/"},
            {"title": "Wohnungsgeberbestätigung", "url": f"{BERLIN}/120686/#wgb"},
        ],
        further_information="Die Anmeldung kann eine bevollmächtigte Person erledigen.",
        agent_hint=(
            "Fristüberschreitung ist eine Ordnungswidrigkeit, wird aber bei fehlenden Terminen "
            "in der Regel nicht geahndet, wenn ein Termin gebucht ist. Keine Auskunft zum "
            "Einzelfall geben."
        ),
        search_terms=["ummelden", "Umzug", "Wohnsitz anmelden", "Meldeadresse", "Anmeldung"],
    ),
    _article(
        external_id="120697",
        title="Änderung/Wechsel der Hauptwohnung",
        topic=MELDEWESEN,
        office_type="buergeramt",
        short_text=(
            "Wer mehrere Wohnungen hat, muss festlegen, welche die Hauptwohnung ist. Ändert "
            "sich das, melden Sie es dem Bürgeramt."
        ),
        full_text="Hauptwohnung ist die vorwiegend benutzte Wohnung.",
        required_documents="- Personalausweis oder Reisepass\n- Erklärung zum Wohnungsstatus",
        fees="gebührenfrei",
        deadlines="Innerhalb von 2 Wochen nach der Änderung.",
        legal_basis="- §§ 21, 22 Bundesmeldegesetz (BMG)",
        agent_hint="Berlin erhebt eine Zweitwohnungsteuer für Nebenwohnungen (Finanzamt).",
        search_terms=["Hauptwohnsitz", "Nebenwohnung", "Zweitwohnsitz"],
    ),
    _article(
        external_id="120335",
        title="Abmeldung einer Wohnung",
        topic=MELDEWESEN,
        office_type="buergeramt",
        short_text=(
            "Eine Abmeldung ist nur nötig, wenn Sie ins Ausland ziehen oder eine Nebenwohnung "
            "aufgeben. Bei einem Umzug innerhalb Deutschlands genügt die Anmeldung am neuen Ort."
        ),
        required_documents="- Personalausweis oder Reisepass\n- Abmeldeformular",
        fees="gebührenfrei",
        deadlines="Innerhalb von 2 Wochen nach dem Auszug; frühestens 1 Woche vorher.",
        procedure="Die Abmeldung ist auch schriftlich oder online möglich.",
        legal_basis="- § 17 Abs. 2 Bundesmeldegesetz (BMG)",
        agent_hint="Viele Anrufer melden sich bei Umzug in eine andere Stadt unnötig ab.",
        search_terms=["abmelden", "Wegzug", "ins Ausland ziehen", "Auswandern"],
    ),
    _article(
        external_id="120702",
        title="Meldebescheinigung beantragen",
        topic=MELDEWESEN,
        office_type="buergeramt",
        short_text=(
            "Die Meldebescheinigung bestätigt Ihre gemeldete Adresse, z. B. für Arbeitgeber, "
            "Banken oder Behörden."
        ),
        required_documents="- Personalausweis oder Reisepass",
        fees="- einfache Meldebescheinigung: 5,00 Euro\n- online mit Online-Ausweis: gebührenfrei",
        processing_time="Sofort im Bürgeramt, online als PDF.",
        legal_basis="- § 18 Bundesmeldegesetz (BMG)",
        agent_hint="Zuerst auf den Onlinedienst mit Online-Ausweisfunktion hinweisen.",
        search_terms=["Wohnsitzbescheinigung", "Meldebestätigung", "Adressnachweis"],
    ),
    _article(
        external_id="121627",
        title="Ersterteilung einer Fahrerlaubnis (Führerschein)",
        topic=VERKEHR,
        office_type="buergeramt",
        short_text=(
            "Den ersten Führerschein beantragen Sie bei der Fahrerlaubnisbehörde, bevor Sie die "
            "Prüfung ablegen. In Berlin nehmen die Bürgerämter den Antrag an."
        ),
        prerequisites=(
            "- Mindestalter je nach Klasse (Klasse B: 18 Jahre, begleitetes Fahren ab 17)\n"
            "- Erste-Hilfe-Kurs und Sehtest\n- Hauptwohnsitz in Berlin"
        ),
        required_documents=(
            "- Personalausweis oder Reisepass\n- biometrisches Lichtbild\n"
            "- Sehtestbescheinigung (nicht älter als 2 Jahre)\n- Nachweis Erste-Hilfe-Kurs"
        ),
        fees="43,40 Euro (zuzüglich Prüfungsgebühren bei TÜV/DEKRA)",
        processing_time="4 bis 8 Wochen",
        legal_basis="- Fahrerlaubnis-Verordnung (FeV)",
        agent_hint="Den Antrag am besten 3 Monate vor der geplanten Prüfung stellen.",
        search_terms=["Führerschein machen", "Fahrerlaubnis", "Führerschein beantragen"],
    ),
    _article(
        external_id="121616",
        title="Umtausch eines Kartenführerscheins",
        topic=VERKEHR,
        office_type="buergeramt",
        short_text=(
            "Alte Führerscheine müssen gestaffelt in den EU-Kartenführerschein umgetauscht "
            "werden. Die Frist richtet sich nach Ausstellungsjahr bzw. Geburtsjahr."
        ),
        required_documents=(
            "- Personalausweis oder Reisepass\n- bisheriger Führerschein\n"
            "- biometrisches Lichtbild\n"
            "- bei Ausstellung außerhalb Berlins: Karteikartenabschrift"
        ),
        fees="25,30 Euro",
        deadlines=(
            "- Kartenführerscheine ausgestellt 1999–2001: bis 19.01.2026\n"
            "- ausgestellt 2002–2004: bis 19.01.2027\n"
            "- Papierführerscheine: je nach Geburtsjahr, Jahrgänge ab 1971 bereits abgelaufen"
        ),
        legal_basis="- § 24a und Anlage 8e Fahrerlaubnis-Verordnung (FeV)",
        agent_hint="Bei Fahren mit abgelaufenem Dokument droht ein Verwarngeld von 10 Euro.",
        search_terms=["Führerschein umtauschen", "Pflichtumtausch", "rosa Führerschein"],
    ),
    _article(
        external_id="121593",
        title="Ersatzführerschein nach Verlust oder Diebstahl",
        topic=VERKEHR,
        office_type="buergeramt",
        short_text="Ist Ihr Führerschein verloren oder gestohlen, beantragen Sie einen Ersatz.",
        required_documents=(
            "- Personalausweis oder Reisepass\n- biometrisches Lichtbild\n"
            "- Versicherung an Eides statt über den Verlust (wird vor Ort aufgenommen)"
        ),
        fees="ca. 40 Euro inklusive eidesstattlicher Versicherung",
        processing_time="4 bis 6 Wochen; auf Wunsch vorläufiger Nachweis",
        legal_basis="- § 25 Fahrerlaubnis-Verordnung (FeV)",
        agent_hint="Diebstahl zusätzlich bei der Polizei anzeigen.",
        search_terms=["Führerschein verloren", "Führerschein gestohlen", "Lappen weg"],
    ),
    _article(
        external_id="120882",
        title="Zulassung eines Neufahrzeuges (Kfz-Zulassung)",
        topic=VERKEHR,
        office_type="kfz-zulassungsstelle",
        short_text=(
            "Ein neues Fahrzeug lassen Sie bei der Kfz-Zulassungsbehörde zu oder online über "
            "i-Kfz mit Online-Ausweisfunktion."
        ),
        required_documents=(
            "- Personalausweis oder Reisepass mit Meldebestätigung\n"
            "- Zulassungsbescheinigung Teil II bzw. Übereinstimmungsbescheinigung (CoC)\n"
            "- eVB-Nummer der Kfz-Versicherung\n- SEPA-Mandat für die Kfz-Steuer"
        ),
        fees="ca. 30 bis 40 Euro zuzüglich Kennzeichenschilder",
        processing_time="Sofort im Termin; online wenige Tage",
        legal_basis="- Fahrzeug-Zulassungsverordnung (FZV)",
        agent_hint="In Berlin ist die Zulassungsbehörde zentral (LABO), nicht das Bürgeramt.",
        search_terms=["Auto anmelden", "Kfz zulassen", "Zulassungsstelle", "Neuwagen anmelden"],
    ),
    _article(
        external_id="120906",
        title="Umschreibung eines Fahrzeuges auf einen neuen Halter",
        topic=VERKEHR,
        office_type="kfz-zulassungsstelle",
        short_text="Nach einem Gebrauchtwagenkauf muss der neue Halter das Fahrzeug umschreiben.",
        required_documents=(
            "- Personalausweis oder Reisepass\n- Zulassungsbescheinigung Teil I und II\n"
            "- eVB-Nummer\n- SEPA-Mandat für die Kfz-Steuer\n- Nachweis gültige HU"
        ),
        fees="ca. 30 Euro",
        deadlines="Unverzüglich nach dem Kauf.",
        legal_basis="- § 13 Fahrzeug-Zulassungsverordnung (FZV)",
        search_terms=["Auto ummelden", "Halterwechsel", "Gebrauchtwagen anmelden"],
    ),
    _article(
        external_id="121484",
        title="Wunschkennzeichen reservieren",
        topic=VERKEHR,
        office_type="kfz-zulassungsstelle",
        short_text=(
            "Ein Wunschkennzeichen können Sie online reservieren und bei der Zulassung "
            "zuteilen lassen."
        ),
        fees="- Reservierung: 2,60 Euro\n- Zuteilung des Wunschkennzeichens: 10,20 Euro",
        deadlines="Die Reservierung gilt in der Regel 90 Tage.",
        legal_basis="- § 8 Fahrzeug-Zulassungsverordnung (FZV)",
        agent_hint="Nicht jede Kombination ist erlaubt (z. B. keine verfassungsfeindlichen).",
        search_terms=["Wunschkennzeichen", "Nummernschild reservieren", "Kennzeichen Wunsch"],
    ),
    _article(
        external_id="120877",
        title="Außerbetriebsetzung eines Kraftfahrzeuges (Abmeldung)",
        topic=VERKEHR,
        office_type="kfz-zulassungsstelle",
        short_text="Ein Fahrzeug melden Sie bei der Zulassungsbehörde oder online ab.",
        required_documents="- Zulassungsbescheinigung Teil I\n- Kennzeichenschilder",
        fees="ca. 12 Euro, online günstiger",
        legal_basis="- § 15 Fahrzeug-Zulassungsverordnung (FZV)",
        agent_hint="Kfz-Steuer und Versicherung enden automatisch mit der Abmeldung.",
        search_terms=["Auto abmelden", "Stilllegen", "Kfz abmelden"],
    ),
    _article(
        external_id="326079",
        title="Elterngeld",
        topic=FAMILIE,
        office_type="jugendamt",
        short_text=(
            "Elterngeld gleicht fehlendes Einkommen aus, wenn Eltern ihr Kind nach der Geburt "
            "betreuen. Zuständig ist die Elterngeldstelle des Bezirks."
        ),
        full_text=(
            "Basiselterngeld beträgt 65 bis 67 Prozent des Nettoeinkommens vor der Geburt, "
            "mindestens 300 und höchstens 1.800 Euro im Monat. ElterngeldPlus und "
            "Partnerschaftsbonus verlängern den Bezug."
        ),
        prerequisites="- Wohnsitz in Deutschland\n- Betreuung des Kindes im eigenen Haushalt",
        required_documents=(
            "- Geburtsurkunde für Elterngeld\n- Einkommensnachweise der letzten 12 Monate\n"
            "- Bescheinigung der Krankenkasse über Mutterschaftsgeld"
        ),
        fees="gebührenfrei",
        deadlines="Rückwirkend nur für die letzten 3 Lebensmonate vor Antragseingang.",
        processing_time="Mehrere Wochen",
        legal_basis="- Bundeselterngeld- und Elternzeitgesetz (BEEG)",
        online_service_url="https://www.elterngeld-digital.de",
        agent_hint=(
            "Keine Berechnung im Einzelfall; auf den Elterngeldrechner des Bundes verweisen."
        ),
        search_terms=["Elterngeld beantragen", "ElterngeldPlus", "Elternzeit Geld"],
    ),
    _article(
        external_id="120656",
        title="Wohngeld – Mietzuschuss beantragen",
        topic=SOZIALES,
        office_type="sozialamt",
        short_text=(
            "Wohngeld ist ein Zuschuss zur Miete für Haushalte mit geringem Einkommen. "
            "Zuständig ist das Wohngeldamt des Bezirks."
        ),
        prerequisites=(
            "- Mieterin oder Mieter\n- Einkommen unter der Grenze für die Haushaltsgröße\n"
            "- kein Bezug von Bürgergeld oder Grundsicherung"
        ),
        required_documents=(
            "- Antrag auf Mietzuschuss\n- Mietvertrag und Mietbescheinigung\n"
            "- Einkommensnachweise aller Haushaltsmitglieder"
        ),
        fees="gebührenfrei",
        deadlines="Wohngeld gibt es ab dem Monat der Antragstellung, nicht rückwirkend.",
        processing_time="Derzeit mehrere Monate",
        legal_basis="- Wohngeldgesetz (WoGG)",
        agent_hint="Antrag formlos fristwahrend stellen lassen, Unterlagen nachreichen.",
        search_terms=["Wohngeld Plus", "Mietzuschuss", "Zuschuss Miete"],
    ),
    _article(
        external_id="120926",
        title="Führungszeugnis beantragen",
        topic=MELDEWESEN,
        office_type="buergeramt",
        short_text=(
            "Ein Führungszeugnis (polizeiliches Führungszeugnis) beantragen Sie im Bürgeramt "
            "oder online beim Bundesamt für Justiz."
        ),
        full_text=(
            "Es gibt das einfache Führungszeugnis (Belegart N), das erweiterte für die Arbeit mit "
            "Kindern und das Führungszeugnis zur Vorlage bei einer Behörde (Belegart O)."
        ),
        required_documents=(
            "- Personalausweis oder Reisepass\n- für das erweiterte: Aufforderung des Arbeitgebers"
        ),
        fees="13,00 Euro (Befreiung z. B. für Ehrenamtliche möglich)",
        processing_time="Etwa 2 Wochen, Zusendung per Post",
        legal_basis="- §§ 30, 30a Bundeszentralregistergesetz (BZRG)",
        online_service_url="https://www.fuehrungszeugnis.bund.de",
        agent_hint=(
            "Das Bürgeramt händigt das Zeugnis nicht aus, es kommt vom Bundesamt für Justiz."
        ),
        search_terms=[
            "polizeiliches Führungszeugnis",
            "Leumundszeugnis",
            "erweitertes Führungszeugnis",
        ],
    ),
    _article(
        external_id="121921",
        title="Gewerbe anmelden",
        topic=WIRTSCHAFT,
        office_type="ordnungsamt",
        short_text=(
            "Wer ein Gewerbe beginnt, muss es beim Gewerbeamt anmelden. Freie Berufe melden "
            "sich stattdessen beim Finanzamt."
        ),
        required_documents=(
            "- Personalausweis oder Reisepass\n- bei erlaubnispflichtigen Gewerben: Erlaubnis\n"
            "- bei Handwerk: Eintragung in die Handwerksrolle"
        ),
        fees="15,00 bis 31,00 Euro, online günstiger",
        deadlines="Gleichzeitig mit dem Beginn der Tätigkeit.",
        processing_time="Sofort bzw. wenige Tage online",
        legal_basis="- § 14 Gewerbeordnung (GewO)",
        agent_hint="Das Gewerbeamt informiert Finanzamt und IHK automatisch.",
        search_terms=["Gewerbeschein", "Selbstständig machen", "Firma anmelden", "Kleingewerbe"],
    ),
    _article(
        external_id="121494",
        title="Hund anmelden (Hundesteuer)",
        topic=UMWELT,
        office_type="finanzamt",
        short_text=(
            "Hunde in Berlin müssen zur Hundesteuer angemeldet und im Hunderegister "
            "registriert werden."
        ),
        fees=(
            "- Hundesteuer: 120 Euro im Jahr für den ersten Hund\n"
            "- 180 Euro im Jahr für jeden weiteren Hund"
        ),
        deadlines="Innerhalb eines Monats nach Beginn der Hundehaltung.",
        required_documents="- Angaben zum Hund (Rasse, Chipnummer)\n- Personalausweis",
        legal_basis="- Hundesteuergesetz Berlin\n- Hundegesetz Berlin (HundeG)",
        agent_hint=(
            "Hundesteuer: Finanzamt; Hunderegister: online. Zusätzlich Haftpflichtversicherung "
            "Pflicht."
        ),
        search_terms=["Hundesteuer", "Hundemarke", "Hunderegister", "Hund melden"],
        leika_key="99102013002000",
    ),
    _article(
        title="Sperrmüll abholen lassen",
        topic=UMWELT,
        office_type="",
        short_text=(
            "Sperrmüll holt die Stadtreinigung gegen Gebühr ab; kleinere Mengen können Sie "
            "kostenlos auf einem Recyclinghof abgeben."
        ),
        fees="ab ca. 50 Euro je Abholung, abhängig von der Menge",
        procedure="1. Termin online oder telefonisch bei der Stadtreinigung buchen.\n"
        "2. Sperrmüll am Abholtag bereitstellen.",
        agent_hint=(
            "Illegal abgestellter Sperrmüll ist eine Sache für das Ordnungsamt "
            "(Meldung über das Ordnungsamt-Online)."
        ),
        search_terms=["Sperrmüll", "Möbel entsorgen", "BSR", "Sperrgut"],
    ),
    _article(
        external_id="318960",
        title="Geburtsurkunde beantragen",
        topic=STANDESAMT,
        office_type="standesamt",
        short_text=(
            "Geburtsurkunden stellt das Standesamt aus, in dessen Bezirk die Geburt beurkundet "
            "wurde."
        ),
        required_documents="- Personalausweis oder Reisepass\n- bei Vertretung: Vollmacht",
        fees="12,00 Euro je Urkunde",
        processing_time="Einige Tage bis Wochen, Zusendung per Post",
        legal_basis="- § 55 Personenstandsgesetz (PStG)",
        agent_hint="Nur Betroffene, Eltern, Kinder oder Bevollmächtigte erhalten die Urkunde.",
        search_terms=["Geburtsschein", "Geburtsurkunde", "Abstammungsurkunde"],
    ),
    _article(
        title="Kindergeld (Hinweis: Familienkasse)",
        topic=FAMILIE,
        office_type="",
        short_text=(
            "Kindergeld zahlt die Familienkasse der Bundesagentur für Arbeit, nicht der Bezirk. "
            "Es beträgt 255 Euro je Kind und Monat."
        ),
        prerequisites="- Kind lebt im Haushalt\n- Wohnsitz in Deutschland",
        required_documents="- Geburtsurkunde\n- Steuer-Identifikationsnummern von Kind und Eltern",
        deadlines="Rückwirkend höchstens 6 Monate.",
        legal_basis="- §§ 62 ff. Einkommensteuergesetz (EStG)\n- Bundeskindergeldgesetz (BKGG)",
        online_service_url="https://www.arbeitsagentur.de/familie-und-kinder",
        agent_hint=(
            "Keine Auskunft zu laufenden Fällen; an die Familienkasse (0800 4 5555 30, "
            "gebührenfrei) verweisen."
        ),
        search_terms=["Kindergeld", "Familienkasse", "Kindergeld beantragen"],
    ),
    _article(
        external_id="318961",
        title="Eheschließung anmelden",
        topic=STANDESAMT,
        office_type="standesamt",
        short_text=(
            "Die Eheschließung melden Sie beim Standesamt Ihres Wohnsitzes an; heiraten können "
            "Sie danach bei jedem Standesamt in Deutschland."
        ),
        required_documents=(
            "- Personalausweise oder Reisepässe\n- beglaubigte Registerausdrucke aus dem "
            "Geburtenregister\n- erweiterte Meldebescheinigungen\n"
            "- bei früheren Ehen: Nachweis über deren Auflösung"
        ),
        fees="ca. 40 bis 80 Euro, bei Auslandsbezug mehr",
        deadlines="Die Anmeldung ist 6 Monate gültig.",
        legal_basis="- §§ 12 ff. Personenstandsgesetz (PStG)\n- §§ 1310 ff. BGB",
        agent_hint="Trautermine vergeben die Standesämter selbst; Beliebte Daten früh buchen.",
        search_terms=["heiraten", "Hochzeit anmelden", "Standesamt Hochzeit", "Aufgebot"],
    ),
    _article(
        external_id="121721",
        title="Bewohnerparkausweis beantragen",
        topic=VERKEHR,
        office_type="ordnungsamt",
        short_text=(
            "In Parkzonen erhalten Anwohnerinnen und Anwohner mit Hauptwohnsitz einen "
            "Bewohnerparkausweis."
        ),
        required_documents=(
            "- Personalausweis mit Adresse in der Parkzone\n- Fahrzeugschein (ZB I)\n"
            "- bei Firmenwagen: Nutzungsbestätigung"
        ),
        fees="20,40 Euro für 2 Jahre",
        processing_time="Online in wenigen Tagen",
        legal_basis="- § 45 Abs. 1b Straßenverkehrs-Ordnung (StVO)",
        agent_hint="Zuständig ist das Ordnungsamt des Bezirks, in dem die Parkzone liegt.",
        search_terms=["Anwohnerparken", "Parkvignette", "Parkausweis", "Anwohnerparkausweis"],
    ),
    _article(
        external_id="324531",
        title="Befreiung vom Rundfunkbeitrag",
        topic=SOZIALES,
        office_type="",
        short_text=(
            "Empfängerinnen und Empfänger bestimmter Sozialleistungen können sich vom "
            "Rundfunkbeitrag befreien lassen. Zuständig ist der Beitragsservice."
        ),
        fees="Der Rundfunkbeitrag beträgt 18,36 Euro im Monat je Wohnung.",
        required_documents="- Bescheid über die Sozialleistung (Kopie)",
        legal_basis="- § 4 Rundfunkbeitragsstaatsvertrag (RBStV)",
        online_service_url="https://www.rundfunkbeitrag.de",
        agent_hint="Früher GEZ. Der Bezirk ist nicht zuständig, nur Bescheinigungen stellt er aus.",
        search_terms=["GEZ", "Rundfunkgebühr", "Rundfunkbeitrag befreien", "Beitragsservice"],
    ),
    _article(
        external_id="324328",
        title="Fundsachen suchen und abholen",
        topic=MELDEWESEN,
        office_type="",
        short_text="Verlorene Gegenstände werden beim Zentralen Fundbüro abgegeben und verwahrt.",
        required_documents="- Personalausweis\n- Nachweis des Eigentums, wenn möglich",
        fees="Verwahrgebühr je nach Wert",
        deadlines="Fundsachen werden 6 Monate aufbewahrt.",
        legal_basis="- §§ 965 ff. BGB",
        agent_hint="Verluste in Bus und Bahn: Fundbüro der Verkehrsbetriebe.",
        search_terms=["Fundbüro", "verloren", "Fundsache", "Schlüssel verloren"],
    ),
    _article(
        external_id="318998",
        title="Einbürgerung",
        topic=MELDEWESEN,
        office_type="",
        short_text=(
            "Ausländerinnen und Ausländer können sich nach 5 Jahren rechtmäßigem Aufenthalt "
            "einbürgern lassen, wenn weitere Voraussetzungen erfüllt sind."
        ),
        prerequisites=(
            "- 5 Jahre rechtmäßiger gewöhnlicher Aufenthalt\n- Sprachkenntnisse B1\n"
            "- Lebensunterhalt ohne Sozialleistungen\n- bestandener Einbürgerungstest"
        ),
        fees="255 Euro, für minderjährige Kinder 51 Euro",
        processing_time="Mehrere Monate",
        legal_basis="- §§ 8, 10 Staatsangehörigkeitsgesetz (StAG)",
        agent_hint="Keine Prüfung der Voraussetzungen im Einzelfall am Telefon.",
        search_terms=["Staatsbürgerschaft", "deutscher Pass", "Einbürgerungstest"],
    ),
    _article(
        external_id="121737",
        title="Schwerbehindertenausweis",
        topic=SOZIALES,
        office_type="",
        short_text=(
            "Ab einem Grad der Behinderung von 50 erhalten Menschen mit Behinderung einen "
            "Schwerbehindertenausweis vom Versorgungsamt."
        ),
        required_documents="- Antrag\n- ärztliche Unterlagen\n- Lichtbild",
        fees="gebührenfrei",
        processing_time="3 bis 6 Monate",
        legal_basis="- § 152 Sozialgesetzbuch IX (SGB IX)",
        agent_hint="In Berlin zuständig: Landesamt für Gesundheit und Soziales (LAGeSo).",
        search_terms=["Behindertenausweis", "GdB", "Schwerbehinderung"],
    ),
    _article(
        external_id="318987",
        title="Sterbefall anzeigen (Sterbeurkunde)",
        topic=STANDESAMT,
        office_type="standesamt",
        short_text=(
            "Ein Sterbefall muss dem Standesamt angezeigt werden, in dessen Bezirk die Person "
            "gestorben ist. Meist übernimmt das ein Bestattungsunternehmen."
        ),
        required_documents=(
            "- Todesbescheinigung\n- Personalausweis der verstorbenen Person\n"
            "- Geburts- bzw. Eheurkunde"
        ),
        fees="12,00 Euro je Sterbeurkunde",
        deadlines="Spätestens am dritten Werktag nach dem Tod.",
        legal_basis="- §§ 28 ff. Personenstandsgesetz (PStG)",
        agent_hint="Einfühlsam bleiben; Bestatter kümmern sich meist um die Anzeige.",
        search_terms=["Todesfall", "Sterbeurkunde", "jemand gestorben"],
    ),
    _article(
        external_id="324873",
        title="Kita-Gutschein beantragen",
        topic=FAMILIE,
        office_type="jugendamt",
        short_text=(
            "Für einen Platz in einer Berliner Kita brauchen Sie einen Kita-Gutschein vom "
            "Jugendamt Ihres Wohnbezirks."
        ),
        required_documents="- Antrag\n- Meldebescheinigung des Kindes\n- ggf. Nachweis Bedarf",
        fees="gebührenfrei; Kita-Betreuung in Berlin beitragsfrei (Essensgeld)",
        deadlines="Spätestens 2 Monate vor dem gewünschten Betreuungsbeginn beantragen.",
        legal_basis="- Kindertagesförderungsgesetz Berlin (KitaFöG)",
        agent_hint="Der Gutschein garantiert keinen Platz; Platzsuche übernehmen die Eltern.",
        search_terms=["Kita", "Kitaplatz", "Kitagutschein", "Betreuung Kind"],
    ),
]
