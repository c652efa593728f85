"""Search quality and speed on the Berlin DLDB export (issue 4).

Run:  .venv/bin/python -m pytest tests/benchmarks/test_search_benchmark.py -s -o norecursedirs=
or:   .venv/bin/python -m tests.benchmarks.test_search_benchmark [--no-20k]

Documents are built straight from the JSON files (service name, root topic name, names of the
delivering authorities and locations), without the database. Quality is scored on the
development questions and on held-out queries written for this benchmark (HELD_OUT below),
written in rounds (HELD_OUT, ROUNDS); see the note above ROUNDS for which were tuned on.
Two more sets live next to this file: search_eval_own.tsv (99 queries; first contact hit@3
0.909 / MRR@10 0.865, then tuned on) and search_eval_own2.tsv (57 queries written after that
tuning; first contact hit@1 0.825, hit@3 0.930, hit@5 1.000, MRR@10 0.890).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from knowledge.search.engine import SearchDocument, SearchIndex

SHARED = Path(
    os.environ.get(
        "CALLCENTER_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"
    )
)
DLDB = SHARED / "berlin-dldb-2016"
DEV = SHARED / "search-eval" / "dev-questions.tsv"
# Our own second set (issue 4, point 5), in the same format as the dev set.
OWN = Path(__file__).resolve().parent / "search_eval_own.tsv"
# Written after tuning on OWN; its first measurement is the honest estimate for unseen queries.
OWN2 = Path(__file__).resolve().parent / "search_eval_own2.tsv"
# Written before the round on generic process words and compound heads; its first measurement
# (hit@1 0.673, hit@3 0.857, hit@5 0.918, MRR@10 0.769) is the honest estimate for unseen queries.
FRESH5 = Path(__file__).resolve().parent / "search_eval_fresh5.tsv"
# Written before the round after fresh5's; its first measurement (in the file's header) is the
# honest estimate for unseen queries.
FRESH6 = Path(__file__).resolve().parent / "search_eval_fresh6.tsv"

# Written after the thesaurus, to check that it generalises: agent shorthand, typos, prefixes.
HELD_OUT: list[tuple[str, set[int]]] = [
    ("perso verloren", {120726}),
    ("personalausweisverlust", {120726}),
    ("perso abgelaufen", {120703}),
    ("fürerschein geklaut", {121593}),
    ("fuehrerschein verloren", {121593}),
    ("führerschien umtauschen", {121616, 124556}),
    ("knöllchen raten", {326403}),
    ("ummelden", {120686, 120697}),
    ("wohnung abmelden ausland", {120335}),
    ("wunschkennzeichen", {121473, 121484}),
    ("nummernschild gestohlen", {121489}),
    ("auto abmelden", {120877, 326618}),
    ("kfz-zulassungsstelle neuwagen", {120882}),
    ("gez abmelden befreiung", {324531}),
    ("wbs beantragen", {120671}),
    ("wohngeld mite", {120656}),
    ("kitagutschein", {324873}),
    ("hundest", {121494, 324161}),
    ("sperrmüll auf dem gehweg", {121898}),
    ("geburtsurkunde beantragen", {318960}),
    ("sterbeurkunde", {318990, 318987}),
    ("kirchenaustrit", {326908}),
    ("gewerbe anmelden", {121921}),
    ("meldebescheinigung", {120702}),
    ("reisepas verloren", {121368}),
    ("kinderreisepass verlängern", {121469}),
    ("vaterschaft anerkennen", {318991}),
    ("schwerbehindertenausweis beantragen", {121737, 326173}),
    ("führungszeugnis beantragen", {120926}),
    ("halteverbot umzug", {325649}),
    ("anwohnerparkausweis", {121721}),
    ("feinstaubplakete", {121490}),
    ("hartz 4", {121829, 324394}),
    ("bafög schüler", {324985}),
    ("elterngelt", {326079}),
    ("hundebiss", {326243, 325869}),
    ("laterne kaputt", {326527}),
    ("einbürgerung test", {318998}),
    ("auto abgeschleppt", {324190, 324189, 326423}),
    ("hochzeit anmelden", {318961, 318963}),
]


# Later rounds, each written before the thesaurus round that followed it and measured first
# (hit@3 / MRR@10 on first contact: tune 0.89/0.80, untouched 0.89/0.85, fresh 0.86/0.82,
# fresh2 0.88/0.76, fresh3 0.75/0.69, fresh4 0.72/0.62). They were then used for tuning, so
# today's figures on them are optimistic; the first-contact figures are the honest estimate
# for unseen queries.
ROUNDS: dict[str, list[tuple[str, set[int]]]] = {
    "tune": [
        ("auto verkauft was muss ich machen", {120900}),
        ("adresse im fahrzeugschein ändern", {120658}),
        ("namensänderung nach hochzeit fahrzeugpapiere", {324173}),
        ("oldtimer kennzeichen", {121478}),
        ("h-kennzeichen", {121478}),
        ("kennzeichen nicht mehr lesbar", {324907}),
        ("überführungskennzeichen", {121479}),
        ("meine mutter ist gestorben was muss ich tun", {318987, 318990, 326077}),
        ("kind geboren urkunde", {318957, 318960}),
        ("namen des kindes festlegen", {325641}),
        ("baby anmelden standesamt", {318957}),
        ("steuerklasse wechseln", {325827}),
        ("hund abmelden", {324161}),
        ("kampfhund anmelden", {326263}),
        ("müll im park abgeladen", {326351}),
        ("bauschutt im wald", {326459}),
        ("nachbar macht party jede nacht", {121925}),
        ("aufenthaltstitel verloren", {326802}),
        ("aufenthaltserlaubnis für studenten", {305244}),
        ("einladung für verwandte aus dem ausland", {120691, 326540}),
        ("aufenthaltstitel in neuen pass übertragen", {121874}),
        ("arbeitslosengeld 2 antrag", {121829}),
        ("parkausweis für anwohner verlängern", {121721}),
        ("behindertenparkplatz beantragen", {326439, 326453}),
        ("rente beantragen", {326003}),
        ("wohngeld für eigentümer", {120665}),
        ("grundbuchauszug", {326740}),
        ("verein gründen", {326808}),
        ("gewerbe ummelden", {122111}),
        ("firma abmelden", {122107, 325405}),
        ("kleinunternehmerregelung", {325851}),
        ("straßenfest genehmigung", {324911}),
        ("tische vor dem café aufstellen", {326864}),
        ("baugerüst aufstellen", {325653}),
        ("umzugswagen parken", {325649}),
        ("hochzeit im ausland anerkennen lassen", {318967, 318966}),
        ("kirchensteuer", {326175}),
        ("fischereischein verlängern", {324355}),
        ("tote taube im hof", {326766, 326463}),
        ("zugelaufene katze", {326245}),
        ("bienenschwarm im garten", {326914}),
        ("schimmel im restaurant", {326916}),
        ("privatinsolvenz anmelden", {327026}),
        ("gerichtsvollzieher beschwerde", {326974}),
        ("vorsorgevollmacht", {324725}),
    ],
    "untouched": [
        ("perso vorläufig", {120682}),
        ("personalausweis abholen", {324325}),
        ("reisepass abholen", {324573}),
        ("pass weg", {121368}),
        ("führerschein umschreiben ausland", {121598}),
        ("fahrerlaubnis verlängern", {121634}),
        ("auto zulassen gebrauchtwagen aus polen", {120884}),
        ("auto stilllegen online", {326618}),
        ("saisonkennzeichen motorrad", {121480}),
        ("umweltplakette", {121490}),
        ("halterabfrage", {121491}),
        ("mein auto wurde abgeschleppt", {324190, 326423}),
        ("zweitwohnung steuer", {121859}),
        ("melderegister auskunft sperre", {120678}),
        ("eheurkunde", {318969}),
        ("geburtsurkunde ausland", {326181, 318959}),
        ("kita platz gutschein", {324873}),
        ("unterhaltsvorschuss beantragen", {326069}),
        ("obdachlos", {324485}),
        ("gaststätte lärm", {325893}),
        ("handy gefunden", {121543}),
        ("niederlassungserlaubnis", {121864}),
        ("integrationskurs", {325517}),
        ("wertmarke verloren", {325339}),
        ("steuererklärung abgeben", {325685, 325687}),
        ("gewerbeanmeldung", {121921}),
        ("im park liegt ein toter schwan", {326766, 326463}),
        ("jemand hat einen kühlschrank an der straße abgestellt", {121898}),
        ("auf dem gehweg steht seit wochen ein autowrack", {326455}),
        ("mein nachbar hört nachts laut musik", {121925}),
        ("meine tochter kommt in die schule untersuchung", {324254}),
        ("ich will meinen alten nachnamen nach der scheidung zurück", {324599}),
        ("ich will aus der kirche austreten", {326908}),
        ("wie bekomme ich eine meldebestätigung", {120702}),
        ("ich habe meinen führerschein verloren", {121593}),
        ("mein kennzeichen ist verbogen und unleserlich", {324907}),
    ],
    "fresh": [
        ("ich bin ärztin aus syrien und will hier arbeiten", {325401, 325539}),
        ("krankenschwester urkunde", {325453}),
        ("physiotherapie erlaubnis", {325567}),
        ("heilpraktiker werden", {325145}),
        ("mein kind hat probleme beim hören", {325619}),
        ("mein sohn ist verhaltensauffällig", {325875}),
        ("hiv test anonym", {325457}),
        ("gesundheitszeugnis für die gastronomie", {324295}),
        ("mein vermieter vermietet die wohnung an touristen", {326217}),
        ("wohnung kaufen steuer", {325323}),
        ("haus geerbt grundbuch ändern", {326600}),
        ("grundstück teilen", {324703, 324340}),
        ("bebauungsplan einsehen", {324343}),
        ("was ist mein grundstück wert", {325623}),
        ("schnee räumen vor dem haus befreiung", {326640, 326642}),
        ("straßenlaterne flackert", {326527}),
        ("schlagloch auf der autobahn", {326525}),
        ("bordstein absenken für einfahrt", {324499, 324489}),
        ("flyer verteilen in der fußgängerzone", {326473}),
        ("wahlplakate aufhängen", {326063}),
        ("eisverkauf mit dem wagen auf der straße", {326876}),
        ("ich will einen flohmarkt machen", {324911}),
        ("spielhalle eröffnen", {126672}),
        ("pfandhaus eröffnen", {124488}),
        ("security firma anmelden", {148182}),
        ("elektriker meisterbetrieb eintragen", {141571}),
        ("arbeitnehmersparzulage", {325661}),
        ("kinderfreibetrag kind über 18", {325821}),
        ("ich bin alleinerziehend steuer", {325325}),
        ("hotel übernachtung steuer", {326105}),
        ("umsatzsteuervoranmeldung frist verlängern", {326203}),
        ("steuernummer für neue firma", {325409}),
        ("zweitschrift approbation", {325579}),
        ("meine tochter wird 16 aufenthaltstitel", {324863}),
        ("aufenthalt für jobsuche nach dem studium", {305245}),
        ("working holiday visum", {305265}),
        ("als au-pair nach deutschland", {305267}),
        ("flüchtling niederlassungserlaubnis", {326554}),
        ("daueraufenthalt eu", {324281}),
        ("taxikonto schwerbehinderung", {326552}),
        ("hilfe bei pflege der oma kosten", {324474}),
        ("ich werde von meinem ex bedroht", {326786}),
        ("mein mann schlägt mich", {326786}),
        ("zeuge vor gericht fahrtkosten", {326716}),
        ("anwalt kann ich mir nicht leisten", {326037, 327008}),
        ("verein vorstand geändert", {326852}),
        ("kündigungsschutz schwerbehindert", {325711}),
        ("nebenjob als schüler untersuchung", {324255}),
        ("tote ratte im hinterhof", {326766, 326463}),
        ("altreifen im wald", {326347}),
        ("gartenabfälle illegal abgeladen", {326343}),
    ],
    "fresh2": [
        ("perso läuft nächste woche ab", {120703, 120682}),
        ("brauch nen neuen reisepas", {121151}),
        ("kinderausweis", {121469}),
        ("ausweis für mein baby", {121469, 120703}),
        ("fürherschein abgelaufen lkw", {121634}),
        ("fahrerlaubnis entzogen wiederbekommen", {121637}),
        ("pkw anmelden", {120882, 120914, 120918, 120884, 120905}),
        ("auto umschreiben auf meinen namen", {120906}),
        ("kennzeichen reservieren", {121484}),
        ("grüne nummer anhänger", {121482}),
        ("auto aus dem ausland zulassen", {120884, 324197, 120892, 324199, 324200}),
        ("taxi konzession", {326033}),
        ("mietwagen firma zulassen", {326039}),
        ("fahrerkarte lkw verloren", {121641}),
        ("führerschein karteikarte", {121596}),
        ("führerschein abgeben", {326429}),
        ("strafzettel einspruch", {326405}),
        ("bußgeld bezahlen konto", {326407}),
        ("akteneinsicht bußgeld", {326399}),
        ("wohnsitz abmelden", {120335}),
        ("hauptwohnsitz wechseln", {120697}),
        ("melderegisterauskunft online", {318913}),
        ("beglaubigung zeugnis kopie", {121701}),
        ("unterschrift beglaubigen lassen", {158142}),
        ("eheschließung mit ausländer", {318963}),
        ("heiraten im ausland papiere", {318994}),
        ("gleichgeschlechtliche partnerschaft eintragen", {324729, 324665, 324657}),
        ("vaterschaft anerkennen ohne heirat", {318991}),
        ("sorgerecht gemeinsam unverheiratet", {326590}),
        ("kita gutschein erhöhen", {324879}),
        ("hortplatz", {324901}),
        ("ferienpass kaufen", {150177}),
        ("familienpass berlin", {150169}),
        ("berlinpass verlängern", {325147}),
        ("sozialhilfe antrag", {121829}),
        ("grundsicherung rentner", {324394}),
        ("asylbewerber leistungen", {324475}),
        ("rentenversicherung lücken klären", {326007}),
        ("begräbnis kosten sozialamt", {324527}),
        ("keine angehörigen beerdigung", {326077}),
        ("wohnungslos notunterkunft", {324485}),
        ("wohngeld antrag", {120656, 120665}),
        ("fahrrad schrott am bahnhof", {326461}),
        ("müllhaufen im wald", {326351}),
        ("hund ohne leine gebissen", {326243}),
        ("maulkorb befreiung", {325839}),
        ("welche hunderasse ist gefährlich", {325841}),
        ("hund abmelden gestorben", {324161}),
        ("katze entlaufen", {326245}),
        ("angelschein verlängern", {324355}),
        ("lebensmittelkontrolle beschwerde", {326916}),
    ],
    "fresh3": [
        ("mein perso ist abgelaufen was nun", {120703, 120682}),
        ("ich habe meinen reisepass im urlaub verloren", {121368}),
        ("reisepass für mein kind verlängern", {121469}),
        ("ich wohne im ausland und brauche einen perso", {326550}),
        ("bin obdachlos und brauche einen ausweis", {306684}),
        ("führerschein aus der türkei umschreiben", {121598}),
        ("auto abmelden verschrotten", {120877}),
        ("nummernschild verloren", {324196}),
        ("ich will ein wunschkennzeichen für mein neues auto", {121473, 121484}),
        ("fahrzeugschein gestohlen", {121575}),
        ("abschleppwagen hat mein auto mitgenommen", {324190, 326423}),
        ("parkausweis für handwerker", {326523}),
        ("umweltzone ausnahme", {326521, 326596}),
        ("namensänderung nach heirat", {324589}),
        ("ich möchte den namen meines mannes annehmen", {324589}),
        ("kind bekommt den namen vom stiefvater", {324619}),
        ("urkunde aus dem geburtenregister", {318960}),
        ("todesfall im krankenhaus melden", {318987}),
        ("mein vater ist im urlaub in spanien gestorben", {326165, 318989, 326187}),
        ("eheurkunde für die rentenversicherung", {318969}),
        ("wohnung ummelden innerhalb berlin", {120686, 120697}),
        ("mein ex mann zahlt keinen unterhalt für das kind", {326069}),
        ("antrag auf kita gutschein", {324873}),
        ("zuschuss für klassenfahrt", {324466}),
        ("mieter zahlt nicht und ist verschwunden adresse", {120732, 326215}),
        ("wohngeld beantragen rentner", {120656}),
        ("sozialwohnung beantragen", {120671}),
        ("ich wurde zwangsgeräumt", {324485}),
        ("lärm aus der bar nebenan", {325893}),
        ("tote katze auf der straße", {326766, 326463}),
        ("hund hat mein kind gebissen", {326243, 325869}),
        ("kampfhund halten erlaubnis", {326263}),
        ("wespen im rolladenkasten", {326914}),
        ("jemand hat einen haufen bauschutt auf den gehweg gekippt", {326459}),
        ("altes auto ohne kennzeichen steht seit monaten", {326455}),
        ("steuerbescheid grundstück", {325407}),
        ("ich kann meine steuern nicht bezahlen", {325413}),
        ("gewerbe anmelden als kleinunternehmer", {121921, 325851}),
        ("imbiss eröffnen", {121921}),
        ("tische und stühle vor meinem restaurant", {326864}),
        ("einbürgerung voraussetzungen", {318998}),
        ("visum abgelaufen verlängern", {324785}),
        ("aufenthaltserlaubnis für ehefrau", {305289}),
        ("behindertenausweis beantragen", {121737, 326173}),
        ("freifahrt für schwerbehinderte", {326794}),
        ("betreuung für meinen vater beantragen", {326840, 324721}),
        ("schulden beim finanzamt ratenzahlung", {325413}),
        ("p konto bescheinigung", {326812}),
    ],
    "fresh4": [
        ("wie lange dauert ein neuer perso", {120703}),
        ("vorläufiger ausweis sofort", {120682}),
        ("mein sohn braucht einen pass für die klassenfahrt", {121469}),
        ("ich hab den fahrzeugbrief von der bank nicht bekommen", {297016}),
        ("anhänger zulassen", {120882, 121482}),
        ("auto von privat gekauft ummelden", {120906}),
        ("motorrad nur im sommer anmelden", {121480}),
        ("meine oma kann nicht mehr allein entscheiden", {326840, 324721}),
        ("ich will mich in der kirche abmelden", {326908}),
        ("hausnummer fehlt am haus", {324320}),
        ("baugenehmigung wie weit ist mein antrag", {326710}),
        ("wir wollen ein gerüst vor das haus stellen", {325653}),
        ("container vor dem haus abstellen", {325983, 325651}),
        ("werbung an der laterne", {326067}),
        ("ein film dreh auf der straße", {325715}),
        ("schild für meinen laden an der fassade", {325713}),
        ("eisdiele draußen stühle", {326864}),
        ("betriebshaftpflicht unfallversicherung neue firma", {293946}),
        ("handwerk ohne meister", {141577, 141579}),
        ("versteigerung anmelden", {126904}),
        ("lotto annahmestelle wetten", {158238}),
        ("poker turnier veranstalten", {158235}),
        ("straße kaputt schlaglöcher bundesstraße", {326525}),
        ("kein licht in meiner straße", {326527}),
        ("schüler bafög antrag", {324985}),
        ("meister bafög", {325169}),
        ("studium im ausland förderung", {325167}),
        ("zeugnis aus dem ausland anerkennen schule", {324313}),
        ("doktortitel aus dem ausland führen", {324360}),
    ],
}


def _load(name: str) -> list[dict]:
    with (DLDB / name).open(encoding="utf-8") as fh:
        return json.load(fh)["data"]


def dldb_documents() -> list[SearchDocument]:
    services = _load("services_de.json")
    topics = {str(t["id"]): t["name"] for t in _load("topic_de.json")}
    authorities = {str(a["id"]): a["name"] for a in _load("authority_de.json")}
    locations = {str(loc["id"]): loc["name"] for loc in _load("locations_de.json")}
    docs = []
    for s in services:
        root = str((s.get("relation") or {}).get("root_topic") or "")
        departments = [
            authorities[str(a["id"])]
            for a in s.get("authorities", [])
            if str(a["id"]) in authorities
        ]
        departments += [
            locations[str(loc["location"])]
            for loc in s.get("locations", [])
            if str(loc.get("location")) in locations
        ]
        docs.append(
            SearchDocument(
                id=int(s["id"]),
                external_id=str(s["id"]),
                title=s["name"].strip(),
                topic=topics.get(root, ""),
                topic_id=int(root) if root.isdigit() else None,
                departments=list(dict.fromkeys(departments)),
            )
        )
    return docs


def dev_queries(path: Path = DEV) -> list[tuple[str, set[int]]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, ids = line.split("\t")
        out.append((query, {int(i) for i in ids.split(",")}))
    return out


def evaluate(
    index: SearchIndex, queries: Sequence[tuple[str, set[int]]], verbose: bool = False
) -> dict[str, float]:
    hits = {1: 0, 3: 0, 5: 0}
    rr = 0.0
    for query, relevant in queries:
        results = [h.id for h in index.search(query, limit=10)]
        rank = next((i + 1 for i, doc_id in enumerate(results) if doc_id in relevant), None)
        for k in hits:
            if rank is not None and rank <= k:
                hits[k] += 1
        rr += 1.0 / rank if rank else 0.0
        if verbose and (rank is None or rank > 3):
            top = [h.title[:50] for h in index.search(query, limit=3)]
            print(f"  MISS rank={rank} {query!r} -> {top}")
    n = len(queries)
    return {"hit@1": hits[1] / n, "hit@3": hits[3] / n, "hit@5": hits[5] / n, "mrr@10": rr / n}


def latency(index: SearchIndex, queries: Sequence[str], repetitions: int) -> dict[str, float]:
    """Cold: each query's first run (postings not yet cached); warm: the repetitions after.

    Wall-clock time is what the agent feels; CPU time of this thread is reported as well
    because on a shared, loaded machine wall-clock p95 mostly measures the scheduler.
    """
    cpu: list[float] = []

    def timed(q: str) -> float:
        c = time.thread_time()
        t = time.perf_counter()
        index.search(q, limit=10)
        wall = (time.perf_counter() - t) * 1000
        cpu.append((time.thread_time() - c) * 1000)
        return wall

    cold = sorted(timed(q) for q in queries)
    cpu.clear()
    warm = sorted(timed(q) for _ in range(repetitions) for q in queries)
    cpu.sort()
    return {
        "median_ms": statistics.median(warm),
        "p95_ms": warm[int(len(warm) * 0.95) - 1],
        "cpu_median_ms": statistics.median(cpu),
        "cpu_p95_ms": cpu[int(len(cpu) * 0.95) - 1],
        "cold_median_ms": statistics.median(cold),
        "cold_p95_ms": cold[int(len(cold) * 0.95) - 1],
        "n": len(warm),
    }


def generated_documents(
    base: list[SearchDocument], n: int, seed: int = 115
) -> list[SearchDocument]:
    """Synthetic corpus of n documents mixing the real titles' vocabulary."""
    rng = random.Random(seed)
    words = [w for d in base for w in d.title.replace("-", " ").split() if len(w) > 3]
    docs = list(base)
    next_id = 10_000_000
    while len(docs) < n:
        src = rng.choice(base)
        title = " ".join(rng.sample(words, rng.randint(2, 6)))
        text = " ".join(rng.choice(words) for _ in range(rng.randint(30, 120)))
        docs.append(
            SearchDocument(
                id=next_id,
                external_id=None,
                title=title,
                topic=src.topic,
                topic_id=src.topic_id,
                text=text,
                departments=src.departments[:3],
            )
        )
        next_id += 1
    return docs


def run(tmp: Path, big: bool = True) -> dict[str, object]:
    docs = dldb_documents()
    index = SearchIndex(tmp / "dldb")
    t = time.perf_counter()
    index.rebuild(docs)
    build_s = time.perf_counter() - t
    index.search("warmup", limit=10)
    dev = dev_queries()
    own = dev_queries(OWN)
    own2 = dev_queries(OWN2)
    fresh5 = dev_queries(FRESH5)
    fresh6 = dev_queries(FRESH6)
    report: dict[str, object] = {"documents": len(docs), "build_s": round(build_s, 2)}
    print(f"\nindex build: {len(docs)} documents in {build_s:.2f} s")
    for name, queries in (
        ("dev", dev),
        ("own", own),
        ("own2", own2),
        ("fresh5", fresh5),
        ("fresh6", fresh6),
        ("held-out", HELD_OUT),
        *ROUNDS.items(),
    ):
        metrics = evaluate(index, queries, verbose=True)
        report[name] = metrics
        print(
            f"{name:9s} n={len(queries):3d} "
            + "  ".join(f"{k}={v:.3f}" for k, v in metrics.items())
        )
    all_queries = [q for q, _ in (*dev, *own, *own2, *fresh5, *fresh6, *HELD_OUT)]
    all_queries += [q for rows in ROUNDS.values() for q, _ in rows]
    lat = latency(index, all_queries, repetitions=10)
    report["latency_560"] = lat
    print(
        f"latency 560 docs: median {lat['median_ms']:.2f} ms  p95 {lat['p95_ms']:.2f} ms"
        f"  ({lat['n']} warm searches; CPU median {lat['cpu_median_ms']:.2f} ms"
        f" p95 {lat['cpu_p95_ms']:.2f} ms); first run of each query: median"
        f" {lat['cold_median_ms']:.2f} ms  p95 {lat['cold_p95_ms']:.2f} ms"
    )
    if big:
        big_docs = generated_documents(docs, 20_000)
        big_index = SearchIndex(tmp / "big")
        t = time.perf_counter()
        big_index.rebuild(big_docs)
        big_build = time.perf_counter() - t
        big_index.search("warmup", limit=10)
        lat20 = latency(big_index, all_queries, repetitions=3)
        report["build_20k_s"] = round(big_build, 2)
        report["latency_20k"] = lat20
        print(
            f"latency 20k docs: median {lat20['median_ms']:.2f} ms  p95 {lat20['p95_ms']:.2f} ms"
            f"  ({lat20['n']} warm searches; CPU p95 {lat20['cpu_p95_ms']:.2f} ms);"
            f" first run: median {lat20['cold_median_ms']:.2f} ms"
            f"  p95 {lat20['cold_p95_ms']:.2f} ms; build {big_build:.1f} s"
        )
    return report


def test_search_benchmark(tmp_path: Path) -> None:
    report = run(tmp_path, big=os.environ.get("SEARCH_BENCH_20K", "1") != "0")
    dev = report["dev"]
    assert isinstance(dev, dict)
    # Regression floors well below the measured figures; the targets are in the issue.
    assert dev["hit@3"] >= 0.8
    assert report["build_s"] < 5.0  # type: ignore[operator]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        run(Path(d), big="--no-20k" not in sys.argv)
