"""Who calls and who answers: a German caller pool and the agent roster.

Names carry umlauts and characters outside Latin-1 (``ş``, ``ı``) on purpose: the
adapter must keep UTF-8 intact end to end. Numbers come in E.164 and national format,
as carriers deliver both, and some callers withhold their name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

UNKNOWN = "<unknown>"

SURNAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
    "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann",
    "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Günther", "Jäger", "Öztürk",
    "Yılmaz", "Kowalski", "Nowak", "Groß", "Weiß", "Böhm", "Kühn", "Förster", "Süß",
    "Dąbrowski", "Popescu", "Nguyen", "Al-Sayed", "von der Heyde", "Möller-Lüdenscheidt",
)  # fmt: skip
FIRST_NAMES = (
    "Jürgen", "Anneliese", "Ayşe", "Günter", "Jörg", "Bärbel", "Sören", "Björn", "Käthe",
    "Ute", "Mehmet", "Zoë", "Renée", "Hans-Jürgen", "Maximilian", "Sophie", "Lukas",
    "Emma", "Małgorzata", "Özlem", "Thi Hương", "André", "Gösta", "Lea", "Friedrich",
    "Heike", "Dieter", "Elif", "Karl-Heinz", "Mia",
)  # fmt: skip
# Area codes without the trunk prefix 0: cities and mobile networks.
AREA_CODES = (
    "30", "40", "89", "221", "69", "234", "711", "351", "341", "911", "211", "201",
    "151", "160", "170", "171", "176", "157", "152",
)  # fmt: skip

AGENT_NAMES = (
    "Petra Schulz", "Deniz Yilmaz", "Jan Kowalski", "Sabine Krüger", "Mehmet Öztürk",
    "Jörg Weiß", "Anja Böhm", "Lena Hoffmann", "Tobias Groß", "Ayşe Demir",
    "Katrin Schäfer", "Björn Jäger", "Ulrike Müller", "Stefan Köhler", "Miriam Nowak",
)  # fmt: skip
FIRST_EXTENSION = 2101
# How members are configured: as the phone itself, or as FreePBX does, a Local channel into the
# dialplan whose state is watched through the phone (``state_interface``).
DEFAULT_MEMBER_INTERFACE = "PJSIP/{ext}"


@dataclass(frozen=True)
class Caller:
    number: str  # as the carrier delivers it: "+4930..." or "030..."
    name: str  # "Nachname, Vorname" or "<unknown>"


@dataclass(frozen=True)
class Agent:
    extension: str
    name: str
    member_interface: str = DEFAULT_MEMBER_INTERFACE  # a template: {ext} is the extension
    state_interface_template: str = ""  # empty: the member interface itself

    @property
    def interface(self) -> str:
        """The queue member interface (``PJSIP/2101``, ``Local/2101@from-queue/n``)."""
        return self.member_interface.format(ext=self.extension)

    @property
    def state_interface(self) -> str:
        return self.state_interface_template.format(ext=self.extension) or self.interface

    @property
    def leg_endpoint(self) -> str:
        """What a member leg's channel name starts with: a Local channel's name drops its
        options (``Local/2101@from-queue-0000002a;1``)."""
        if self.interface.lower().startswith("local/"):
            return "/".join(self.interface.split("/")[:2])
        return self.interface


def random_caller(rng: random.Random) -> Caller:
    code = rng.choice(AREA_CODES)
    subscriber = str(rng.randrange(10 ** (9 - len(code)), 10 ** (10 - len(code))))
    number = f"+49{code}{subscriber}" if rng.random() < 0.7 else f"0{code}{subscriber}"
    if rng.random() < 0.15:
        return Caller(number, UNKNOWN)  # CLIP without a name (CNAP is rare in Germany)
    return Caller(number, f"{rng.choice(SURNAMES)}, {rng.choice(FIRST_NAMES)}")


def roster(
    count: int, *, member_interface: str = DEFAULT_MEMBER_INTERFACE, state_interface: str = ""
) -> list[Agent]:
    agents = []
    for index in range(count):
        extension = str(FIRST_EXTENSION + index)
        name = AGENT_NAMES[index] if index < len(AGENT_NAMES) else f"Agent {extension}"
        agents.append(Agent(extension, name, member_interface, state_interface))
    return agents
