"""A synthetic national roll and police notices made from it, for bench/matching_eval.py.

Everything comes from one seeded random generator, so a run is repeatable.

Names: the given names are the ONS baby names for England and Wales (births 2010 to
2022, approximate counts per year; a few Welsh, Irish and accented spellings added) and
the surnames the commonest in Great Britain with their approximate share per 100,000
people, then a long tail of English place-name surnames (Ashworth, Bradshaw...) each
rare. The tables cover fewer names than the real population, so children share names
*more* often than they do nationally: a harder test for the matcher, not an easier one.

Households: a surname (one child in eight has another parent's surname), a postcode
shared with about a dozen other households, a house on a street; one to four children
spaced 11 months or more apart; 1.6% of births are twins (same date of birth, different
given names). Children are 2 to 16 years old, about 200 per date of birth; each is on
the roll of an early years setting, a primary or a secondary school of the council they
live in. 0.3% are on two rolls (moved school, old roll not yet updated); 6% have a middle
name on the roll.

Notices: a child from the roll, or (20%) one on no roll at all: half of those are
brothers and sisters of pupils (same surname, postcode and address), half live in other
households in the same areas. Each notice gets errors independently, as police records
do: see ERRORS.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from encompass.matching.nicknames import SHORT_FORMS

# --- names ---------------------------------------------------------------------------------
# Approximate births a year in England and Wales (ONS baby names, 2010-2022 averages).
BOYS = """
Oliver:5400 George:4900 Harry:4800 Jack:4700 Noah:4300 Charlie:4300 Jacob:3900
Muhammad:3700 Thomas:3600 Oscar:3600 William:3400 James:3300 Leo:3300 Alfie:3200
Henry:2900 Joshua:2900 Freddie:2900 Archie:2800 Ethan:2700 Isaac:2600 Alexander:2500
Joseph:2400 Edward:2300 Samuel:2300 Max:2200 Logan:2100 Lucas:2100 Daniel:2100
Theo:2000 Arthur:2000 Mohammed:2000 Harrison:1900 Benjamin:1900 Mason:1900 Finley:1800
Sebastian:1700 Adam:1700 Dylan:1700 Zachary:1600 Riley:1600 Teddy:1500 Theodore:1500
David:1500 Elijah:1500 Jake:1400 Toby:1400 Louie:1400 Reuben:1400 Arlo:1300 Hugo:1300
Jaxon:1300 Luca:1300 Matthew:1300 Harvey:1300 Reggie:1200 Tommy:1200 Jenson:1200
Luke:1200 Michael:1200 Jude:1100 Frankie:1100 Albie:1100 Stanley:1100 Tyler:1100
Elliot:1100 Jayden:1000 Rory:1000 Bobby:1000 Jackson:1000 Mohammad:1000 Ronnie:1000
Carter:1000 Kai:1000 Ezra:900 Nathan:900 Jamie:900 Ellis:900 Aaron:900 Charles:900
Gabriel:900 Ollie:900 Ryan:850 Finn:850 Liam:850 Blake:800 Roman:800 Aiden:800
Caleb:800 Jasper:800 Felix:800 Callum:750 Oakley:750 Ralph:700 Austin:700 Rowan:700
Owen:700 Connor:700 Yusuf:700 Kian:650 Cameron:650 Evan:650 Omar:600 Ibrahim:600
Rhys:600 Jayden:550 Hamza:550 Ayaan:500 Ali:500 Zayn:500 Aryan:400 Jakub:400 Oskar:350
Aarav:300 Arjun:300 Cian:200 Seán:150 Dafydd:120 Rhodri:100 Osian:150 Ioan:150
Tomos:120 Harri:150 Kacper:200 Szymon:150 Filip:250 Mateo:300 Enzo:300 Rafael:300
Abdullah:300 Ahmed:350 Hassan:300 Kayden:300 Bilal:250 Idris:250 Eesa:200 Ayden:250
Aidan:300 Shaun:100 Stephen:100 Steven:100 Philip:80 Nicholas:500 Christopher:500
Anthony:400 Andrew:400 Robert:500 Richard:300 Patrick:300 Dominic:300 Frederick:400
Alfred:300 Albert:400 Louis:1000 Lewis:700 Leon:500 Leonardo:400 Otis:400 Miles:400
"""
GIRLS = """
Olivia:5000 Amelia:4800 Isla:4100 Ava:4000 Emily:2900 Mia:3500 Lily:3200 Isabella:3000
Ivy:2000 Sophia:2500 Grace:2500 Freya:2400 Willow:2200 Florence:2300 Ella:2600
Poppy:2500 Evie:2600 Elsie:2200 Charlotte:2300 Evelyn:2200 Sienna:2000 Sofia:1900
Daisy:1900 Phoebe:1800 Sophie:1800 Alice:1800 Harper:1800 Matilda:1700 Ruby:1700
Emilia:1600 Maya:1600 Millie:1600 Isabelle:1600 Eva:1500 Luna:1500 Jessica:1500
Aria:1400 Elizabeth:1400 Erin:1400 Chloe:1400 Esme:1300 Ellie:1300 Scarlett:1300
Lucy:1300 Thea:1200 Holly:1200 Imogen:1200 Lola:1200 Layla:1200 Bella:1100 Hallie:1000
Penelope:1000 Mila:1000 Lottie:1000 Nancy:1000 Orla:900 Hannah:900 Amber:900 Zara:900
Maisie:900 Eleanor:900 Aisha:800 Maryam:800 Fatima:700 Amelie:800 Georgia:800 Emma:800
Harriet:700 Robyn:700 Megan:700 Niamh:400 Aoife:250 Siân:150 Zoe:600 Zoë:250 Chloë:150
Seren:300 Ffion:200 Cerys:250 Zuzanna:150 Maja:200 Hanna:200 Anaya:300 Aaliyah:400
Eliza:600 Heidi:600 Arabella:600 Annabelle:500 Victoria:500 Katie:500 Francesca:400
Gracie:700 Summer:600 Darcie:600 Rose:700 Violet:700 Lilly:500 Ada:600 Iris:600
Margot:500 Olive:500 Nellie:400 Edith:400 Mabel:400 Beatrice:500 Clara:500 Lyla:500
Molly:900 Jasmine:600 Leah:600 Lacey:500 Paige:400 Skye:400 Rosie:1000 Abigail:700
Eve:600 Naomi:300 Rachel:200 Sarah:500 Laura:200 Rebecca:300 Amy:500 Anna:600
Caitlin:300 Kaitlyn:150 Katherine:200 Catherine:200 Samantha:150 Alexandra:300
Natasha:100 Gabriella:300 Josephine:150 Madison:300 Hafsa:200 Khadija:200 Inaya:200
Renée:60 Mary:200 Jane:60 Eden:400 Hope:400 Bethany:300 Lexi:500 Lexie:300 Elsa:400
"""
SURNAMES = """
Smith:1260 Jones:760 Williams:630 Taylor:580 Brown:560 Davies:490 Evans:380 Wilson:370
Thomas:370 Johnson:340 Roberts:330 Robinson:290 Thompson:280 Wright:280 Walker:270
White:260 Edwards:260 Hughes:250 Green:250 Hall:240 Lewis:230 Harris:230 Clarke:230
Patel:220 Jackson:220 Wood:210 Turner:200 Martin:200 Cooper:200 Hill:200 Ward:200
Morris:190 Moore:190 Clark:190 Lee:190 King:180 Baker:180 Harrison:180 Morgan:180
Allen:170 James:170 Scott:170 Phillips:170 Watson:160 Davis:160 Parker:160 Price:150
Bennett:150 Young:150 Griffiths:150 Mitchell:150 Kelly:150 Cook:150 Carter:150
Richardson:140 Bailey:140 Collins:140 Bell:140 Shaw:140 Murphy:140 Miller:140 Cox:130
Richards:130 Khan:130 Marshall:130 Anderson:130 Simpson:130 Ellis:130 Adams:130
Singh:130 Begum:120 Wilkinson:120 Foster:120 Chapman:120 Powell:120 Webb:120
Rogers:120 Gray:120 Mason:120 Ali:120 Hunt:110 Hussain:110 Campbell:110 Matthews:110
Owen:110 Palmer:110 Holmes:110 Mills:110 Barnes:110 Knight:110 Lloyd:110 Butler:110
Russell:110 Barker:100 Fisher:100 Stevens:100 Jenkins:100 Murray:100 Dixon:100
Harvey:100 Graham:100 Pearson:100 Ahmed:100 Fletcher:95 Walsh:95 Kaur:95 Gibson:95
Howard:95 Andrews:95 Stewart:95 Elliott:95 Reynolds:90 Saunders:90 Payne:90 Fox:90
Ford:90 Pearce:90 Day:90 Brooks:90 West:90 Lawrence:85 Cole:85 Atkinson:85 Bradley:85
Spencer:85 Gill:85 Dawson:85 Ball:85 Burton:85 O'Brien:85 Watts:80 Rose:80 Booth:80
Perry:80 Ryan:80 Grant:80 Wells:80 Armstrong:80 Francis:80 Rees:80 Hayes:80 Hart:80
Hudson:75 Newman:75 Barrett:75 Webster:75 Hunter:75 Gregory:75 Carr:75 Lowe:75
Page:75 Marsh:75 Riley:75 Dunn:75 Woods:75 Parsons:70 Berry:70 Stone:70 Reid:70
Holland:70 Hawkins:70 Harding:70 Porter:70 Robertson:70 Newton:70 Oliver:70 Reed:70
Kennedy:70 Williamson:65 Bird:65 Gardner:65 Shah:65 Dean:65 Lane:65 Cooke:65 Bates:65
Henderson:65 Parry:65 Burgess:65 Bishop:65 Walton:65 Burns:65 Nicholson:65 Shepherd:60
Ross:60 Cross:60 Long:60 Freeman:60 Warren:60 Nicholls:60 Hamilton:60 Byrne:60
Sutton:60 McDonald:60 Yates:60 Hodgson:60 Robson:60 Curtis:60 Hopkins:60 O'Connor:55
Harper:55 Coleman:55 Watkins:55 Moss:55 McCarthy:55 Chambers:55 O'Neill:55 Griffin:55
Sharp:55 Hardy:55 Wheeler:55 Potter:55 Osborne:55 Johnston:55 Gordon:55 Doyle:55
Wallace:55 George:55 Jordan:50 Hutchinson:50 Rahman:50 Iqbal:50 Akhtar:50 Mahmood:50
Islam:50 Uddin:50 Miah:50 Nowak:45 Kowalski:35 Wisniewski:25 Wójcik:20 Kowalczyk:20
Kaminski:20 Lewandowski:20 Okafor:20 Adeyemi:20 Mensah:20 Owusu:20 Boateng:20
MacDonald:40 Fraser:40 Pritchard:35 Jenkinson:30 D'Souza:20 Fernandes:25 Silva:30
Santos:25 Nguyen:25 Chen:30 Wang:25 Li:30 Zhang:20 Kumar:40 Sharma:35 Mistry:25
Chauhan:20 Rashid:30 Aziz:20 Qureshi:25 Sheikh:30 Malik:35 Bibi:30 Mohamed:35
Yilmaz:15 Kaya:10 Popescu:15 Ionescu:10 Murray:40 Quinn:40 Lynch:40 Gallagher:40
Doherty:40 Kaur:40 Sandhu:25 Dhillon:20 Grewal:15 Bajwa:10 Van der Berg:8 De Souza:10
Le Roux:5 St John:10 McKenzie:35 McLean:30 MacLeod:25 McIntosh:20 McGregor:20
"""
# Toponymic surnames for the long tail: every combination, each rare.
_TAIL_HEADS = [
    "Ash",
    "Black",
    "Brad",
    "Brook",
    "Clay",
    "Cross",
    "Dun",
    "Hart",
    "Holl",
    "Lang",
    "Mid",
    "New",
    "North",
    "Red",
    "Sand",
    "Shep",
    "Stan",
    "Stock",
    "Wake",
    "West",
    "Whit",
    "Wood",
    "Ald",
    "Bar",
    "Bram",
    "Brom",
    "Chad",
    "Cran",
    "Hal",
    "Hat",
    "Ken",
    "Kirk",
    "Lin",
    "Mar",
    "Mill",
    "Nor",
    "Ox",
    "Pen",
    "Rad",
    "Roth",
    "Sel",
    "Sher",
    "Ship",
    "Thorn",
    "Wal",
    "Wes",
    "Wins",
]
_TAIL_TAILS = [
    "ley",
    "ton",
    "field",
    "ford",
    "worth",
    "wood",
    "well",
    "by",
    "ham",
    "shaw",
    "stone",
    "bridge",
    "combe",
    "hurst",
    "more",
    "land",
    "wick",
    "bury",
    "dale",
    "croft",
]
TAIL_SHARE = 0.22  # of children get a tail surname


def _table(text: str) -> list[tuple[str, float]]:
    out: dict[str, float] = {}
    for item in text.split():
        if ":" not in item:
            continue
        name, count = item.rsplit(":", 1)
        out[name.replace("_", " ")] = out.get(name, 0.0) + float(count)
    return list(out.items())


def _surname_table() -> list[tuple[str, float]]:
    # Multi-word surnames are written with a space in the table text.
    items: dict[str, float] = {}
    tokens = SURNAMES.split()
    i = 0
    pending = ""
    while i < len(tokens):
        token = tokens[i]
        if ":" in token:
            name, count = token.rsplit(":", 1)
            name = f"{pending} {name}".strip()
            items[name] = items.get(name, 0.0) + float(count)
            pending = ""
        else:
            pending = f"{pending} {token}".strip()
        i += 1
    head_total = sum(items.values())
    tail = [h + t for h in _TAIL_HEADS for t in _TAIL_TAILS]
    weight = head_total * TAIL_SHARE / (1 - TAIL_SHARE) / len(tail)
    for name in tail:
        items[name] = items.get(name, 0.0) + weight
    return list(items.items())


class Sampler:
    def __init__(self, table: list[tuple[str, float]]) -> None:
        self.names = [n for n, _ in table]
        self.weights = [w for _, w in table]
        total = 0.0
        self.cumulative = []
        for w in self.weights:
            total += w
            self.cumulative.append(total)

    def __call__(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cumulative)[0]


BOY_NAMES = Sampler(_table(BOYS))
GIRL_NAMES = Sampler(_table(GIRLS))
FAMILY_NAMES = Sampler(_surname_table())

# --- places --------------------------------------------------------------------------------
# (la_code, council, postcode area): 20 councils.
COUNCILS = [
    ("816", "York", "YO"),
    ("383", "Leeds", "LS"),
    ("352", "Manchester", "M"),
    ("330", "Birmingham", "B"),
    ("681", "Cardiff", "CF"),
    ("670", "Swansea", "SA"),
    ("391", "Newcastle upon Tyne", "NE"),
    ("373", "Sheffield", "S"),
    ("341", "Liverpool", "L"),
    ("801", "Bristol", "BS"),
    ("892", "Nottingham", "NG"),
    ("856", "Leicester", "LE"),
    ("331", "Coventry", "CV"),
    ("879", "Plymouth", "PL"),
    ("878", "Devon", "EX"),
    ("926", "Norfolk", "NR"),
    ("935", "Suffolk", "IP"),
    ("873", "Cambridgeshire", "CB"),
    ("931", "Oxfordshire", "OX"),
    ("872", "Reading", "RG"),
]
STREET_NAMES = [
    "High",
    "Church",
    "Station",
    "Mill",
    "School",
    "Park",
    "Victoria",
    "Green",
    "Manor",
    "Kings",
    "Queens",
    "New",
    "Main",
    "North",
    "South",
    "West",
    "East",
    "Chapel",
    "Bridge",
    "Meadow",
    "Oak",
    "Ash",
    "Elm",
    "Beech",
    "Willow",
    "Cedar",
    "Orchard",
    "Castle",
    "Abbey",
    "Priory",
    "Field",
    "Hill",
    "Brook",
    "Valley",
    "Forest",
    "Spring",
    "Windmill",
    "Mount",
    "Grange",
    "York",
    "Albert",
    "Alexandra",
    "Grove",
    "George",
    "Stanley",
    "Richmond",
    "Windsor",
    "Devonshire",
    "Clarence",
    "Cromwell",
]
STREET_KINDS = ["Street", "Road", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
TODAY = date(2026, 11, 23)
OLDEST_YEARS, YOUNGEST_YEARS = 16, 2
# The share of children with a middle name on the roll (build_world can be told another).
MIDDLE_SHARE = 0.06


@dataclass
class Postcode:
    code: str
    street: str
    la_code: str
    next_number: int = 1


@dataclass
class Child:
    person: int
    given: str
    family: str
    dob: date
    postcode: str
    address: str
    la_code: str
    middle: str = ""
    settings: list[str] = field(default_factory=list)  # URNs of the rolls it is on
    household: int = 0
    twin: bool = False

    @property
    def roll_given(self) -> str:
        return f"{self.given} {self.middle}".strip()


@dataclass
class Setting:
    urn: str
    name: str
    kind: str
    la_code: str
    postcode: str


@dataclass
class World:
    settings: list[Setting]
    pupils: list[Child]  # on at least one roll
    off_roll: list[Child]  # on no roll
    postcodes: dict[str, list[Postcode]]  # by la_code

    def siblings_of(self, child: Child) -> tuple[tuple[str, str, date], ...]:
        """The other children of the child's household (on a roll or not)."""
        if not hasattr(self, "_households"):
            index: dict[int, list[Child]] = {}
            for c in (*self.pupils, *self.off_roll):
                index.setdefault(c.household, []).append(c)
            self._households = index
        return tuple(
            (c.given, c.family, c.dob)
            for c in self._households.get(child.household, [])
            if c.person != child.person
        )

    def roll_rows(self) -> Iterator[list[str]]:
        for child in self.pupils:
            for urn in child.settings:
                yield [
                    urn,
                    child.roll_given,
                    child.family,
                    child.dob.isoformat(),
                    child.postcode,
                    child.address,
                    "",
                ]


def _postcodes(rng: random.Random, la_code: str, area: str, count: int) -> list[Postcode]:
    out: list[Postcode] = []
    seen: set[str] = set()
    districts = list(range(1, 31))
    while len(out) < count:
        district = rng.choice(districts)
        code = f"{area}{district} {rng.randint(1, 9)}{''.join(rng.choices(INWARD_LETTERS, k=2))}"
        if code in seen:
            continue
        seen.add(code)
        street = f"{rng.choice(STREET_NAMES)} {rng.choice(STREET_KINDS)}"
        out.append(Postcode(code, street, la_code, rng.randint(1, 40)))
    return out


def _given(rng: random.Random, girl: bool, avoid: set[str]) -> str:
    sampler = GIRL_NAMES if girl else BOY_NAMES
    for _ in range(20):
        name = sampler(rng)
        if name not in avoid:
            return name
    return name


def _surname(rng: random.Random) -> str:
    if rng.random() < 0.015:  # double-barrelled
        a, b = FAMILY_NAMES(rng), FAMILY_NAMES(rng)
        if a != b and " " not in a and " " not in b:
            return f"{a}-{b}"
    return FAMILY_NAMES(rng)


def _household(
    rng: random.Random,
    number: int,
    postcodes: list[Postcode],
    first_person: int,
    middle_share: float = MIDDLE_SHARE,
) -> list[Child]:
    place = rng.choice(postcodes)
    address = f"{place.next_number} {place.street}"
    place.next_number += rng.choice((1, 2))
    surname = _surname(rng)
    size = rng.choices((1, 2, 3, 4), weights=(40, 38, 15, 7))[0]
    span = (OLDEST_YEARS - YOUNGEST_YEARS) * 365
    dob = TODAY - timedelta(days=YOUNGEST_YEARS * 365 + rng.randrange(span))
    children: list[Child] = []
    names: set[str] = set()
    person = first_person
    while len(children) < size + (1 if children and children[-1].twin else 0):
        births = 2 if rng.random() < 0.016 else 1
        for _ in range(births):
            girl = rng.random() < 0.49
            given = _given(rng, girl, names)
            names.add(given)
            family = surname if rng.random() > 0.125 else _surname(rng)
            children.append(
                Child(
                    person=person,
                    given=given,
                    family=family,
                    dob=dob,
                    postcode=place.code,
                    address=address,
                    la_code=place.la_code,
                    middle=_given(rng, girl, names) if rng.random() < middle_share else "",
                    household=number,
                    twin=births == 2,
                )
            )
            person += 1
        dob = dob - timedelta(days=rng.randint(335, 1800))
        if dob < TODAY - timedelta(days=OLDEST_YEARS * 365):
            break
    return children


def _age(dob: date) -> float:
    return (TODAY - dob).days / 365.25


def build_world(
    pupils_wanted: int,
    seed: int,
    middle_share: float = MIDDLE_SHARE,
    councils: list[tuple[str, str, str]] | None = None,
) -> World:
    """Households until the rolls hold `pupils_wanted` pupils; settings to take them;
    `middle_share` of the children have a middle name on the roll. `councils`: (LA code,
    name, postcode area) of the councils to spread them over (COUNCILS)."""
    councils = councils or COUNCILS
    rng = random.Random(seed)
    per_council = pupils_wanted // len(councils) + 1
    postcodes = {
        la: _postcodes(rng, la, area, max(40, per_council // 7)) for la, _, area in councils
    }
    settings: list[Setting] = []
    pupils: list[Child] = []
    off_roll: list[Child] = []
    urn = 100000
    ey = 500000
    household = 0
    person = 0
    for la, council, _ in councils:
        kinds = {
            "early_years": max(1, per_council // 8 // 60),
            "primary": max(1, per_council * 7 // 14 // 300),
            "secondary": max(1, per_council * 5 // 14 // 1000),
        }
        local: dict[str, list[Setting]] = {k: [] for k in kinds}
        for kind, count in kinds.items():
            for n in range(count):
                place = rng.choice(postcodes[la])
                if kind == "early_years":
                    ey += 1
                    setting = Setting(
                        f"EY{ey}", f"{council} Nursery {n + 1}", "early_years", la, place.code
                    )
                else:
                    urn += 1
                    label = "Primary School" if kind == "primary" else "Academy"
                    setting = Setting(
                        str(urn), f"{council} {label} {n + 1}", "school", la, place.code
                    )
                local[kind].append(setting)
                settings.append(setting)
        settings.append(
            Setting(f"9{la}", f"{council} Early Help", "fallback", la, postcodes[la][0].code)
        )
        on_roll = 0
        while on_roll < per_council:
            household += 1
            primary = rng.choice(local["primary"])
            for child in _household(rng, household, postcodes[la], person, middle_share):
                person = child.person + 1
                age = _age(child.dob)
                if rng.random() < 0.03 or (age < 3 and rng.random() < 0.4):
                    off_roll.append(child)  # at no setting in the scheme
                    continue
                if age < 4:
                    child.settings = [rng.choice(local["early_years"]).urn]
                elif age < 11:
                    child.settings = [primary.urn]
                else:
                    child.settings = [rng.choice(local["secondary"]).urn]
                if rng.random() < 0.003:  # dual registration: moved, old roll not updated
                    pool = local["primary"] if age < 11 else local["secondary"]
                    other = rng.choice(pool).urn
                    if other not in child.settings:
                        child.settings.append(other)
                pupils.append(child)
                on_roll += 1
    # Whole households on no roll (moved from elsewhere, educated outside the scheme).
    outsiders = len(off_roll)
    while outsiders > 0:
        la = rng.choice(councils)[0]
        household += 1
        for child in _household(rng, household, postcodes[la], person, middle_share):
            person = child.person + 1
            off_roll.append(child)
            outsiders -= 1
    return World(settings, pupils, off_roll, postcodes)


# --- notices -------------------------------------------------------------------------------
# Independent chances of each error on a notice (rates for police records; see README).
ERRORS = {
    "given_typo": 0.04,
    "family_typo": 0.04,
    "nickname": 0.05,
    "swapped_names": 0.02,
    "dob_day_month_swapped": 0.02,
    "dob_digit": 0.02,
    "dob_one_day": 0.01,
    "postcode_missing": 0.05,
    "moved_house": 0.015,
}
ADDRESS_GIVEN = 0.85
OFFICER_URN_GIVEN = 0.2
OFFICER_URN_WRONG = 0.15


@dataclass(frozen=True)
class Notice:
    ref: str
    given: str
    family: str
    dob: date
    postcode: str
    address: str
    setting_urn: str | None
    truth_person: int
    truth_settings: tuple[str, ...]  # empty: on no roll
    errors: tuple[str, ...]
    # The other children of the household, as the officer lists them on the notice
    # (given name, surname, date of birth; as on the roll, no errors).
    siblings: tuple[tuple[str, str, date], ...] = ()


def _typo(rng: random.Random, name: str) -> str:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 3:
        return name
    i = rng.choice(letters[1:])  # the first letter is rarely the one mistyped
    op = rng.choice(("substitute", "delete", "insert", "transpose"))
    if op == "substitute":
        return name[:i] + rng.choice(string.ascii_lowercase) + name[i + 1 :]
    if op == "delete":
        return name[:i] + name[i + 1 :]
    if op == "insert":
        return name[:i] + name[i] + name[i:]
    if i + 1 < len(name) and name[i + 1].isalpha():
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]


def _strip_accents(name: str) -> str:
    import unicodedata

    return "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )


def _spelling(rng: random.Random, family: str) -> str:
    """How a surname gets written down: apostrophes, hyphens, case."""
    if "'" in family and rng.random() < 0.5:
        family = family.replace("'", rng.choice(("", " ", "’")))
    if "-" in family:
        roll = rng.random()
        if roll < 0.25:
            family = family.split("-")[rng.randrange(2)]
        elif roll < 0.5:
            family = family.replace("-", " ")
    if rng.random() < 0.05:
        family = family.upper()
    return family


def _nickname(rng: random.Random, given: str) -> str | None:
    shorts = SHORT_FORMS.get(given.lower())
    return rng.choice(shorts).title() if shorts else None


def _digit(rng: random.Random, dob: date) -> date:
    digits = dob.strftime("%Y%m%d")
    for _ in range(50):
        i = rng.randrange(8)
        new = digits[:i] + rng.choice("0123456789") + digits[i + 1 :]
        try:
            day = date(int(new[:4]), int(new[4:6]), int(new[6:]))
        except ValueError:
            continue
        if day != dob and day <= TODAY and day.year >= TODAY.year - 19:
            return day
    return dob


def _postcode_format(rng: random.Random, code: str) -> str:
    roll = rng.random()
    if roll < 0.15:
        return code.replace(" ", "")
    if roll < 0.25:
        return code.lower()
    if roll < 0.3:
        return code.replace(" ", "  ")
    return code


def _address_format(rng: random.Random, address: str) -> str:
    roll = rng.random()
    if roll < 0.2:
        for long, short in (("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Lane", "Ln")):
            address = address.replace(long, short)
    elif roll < 0.3:
        address = address.replace(" ", ", ", 1)
    elif roll < 0.35:
        address = address.lower()
    return address


def make_notice(
    rng: random.Random, ref: str, child: Child, world: World, settings_by_la: dict[str, list[str]]
) -> Notice:
    errors: list[str] = []
    given, family = child.given, _spelling(rng, child.family)
    if rng.random() < 0.5:
        given = _strip_accents(given)
    if rng.random() < ERRORS["nickname"]:
        short = _nickname(rng, child.given)
        if short:
            given = short
            errors.append("nickname")
    if rng.random() < ERRORS["given_typo"]:
        given = _typo(rng, given)
        errors.append("given_typo")
    if rng.random() < ERRORS["family_typo"]:
        family = _typo(rng, family)
        errors.append("family_typo")
    if rng.random() < ERRORS["swapped_names"]:
        given, family = family, given
        errors.append("swapped_names")
    dob = child.dob
    if rng.random() < ERRORS["dob_day_month_swapped"] and dob.day <= 12 and dob.day != dob.month:
        dob = date(dob.year, dob.day, dob.month)
        errors.append("dob_day_month_swapped")
    elif rng.random() < ERRORS["dob_digit"]:
        new = _digit(rng, dob)
        if new != dob:
            dob = new
            errors.append("dob_digit")
    elif rng.random() < ERRORS["dob_one_day"]:
        new = dob + timedelta(days=rng.choice((-1, 1)))
        if new <= TODAY:
            dob = new
            errors.append("dob_one_day")
    postcode, address = child.postcode, child.address
    if rng.random() < ERRORS["moved_house"]:
        place = rng.choice(world.postcodes[child.la_code])
        postcode, address = place.code, f"{rng.randint(1, 80)} {place.street}"
        errors.append("moved_house")
    if rng.random() < ERRORS["postcode_missing"]:
        postcode = ""
        errors.append("postcode_missing")
    postcode = _postcode_format(rng, postcode) if postcode else ""
    address = _address_format(rng, address) if rng.random() < ADDRESS_GIVEN else ""
    urn: str | None = None
    if rng.random() < OFFICER_URN_GIVEN:
        local = settings_by_la[child.la_code]
        if child.settings and rng.random() > OFFICER_URN_WRONG:
            urn = child.settings[0]
        else:
            urn = rng.choice(local)
            errors.append("officer_urn_wrong" if child.settings else "officer_urn_guess")
    return Notice(
        ref=ref,
        given=given,
        family=family,
        dob=dob,
        postcode=postcode,
        address=address,
        setting_urn=urn,
        truth_person=child.person,
        truth_settings=tuple(child.settings),
        errors=tuple(errors),
        siblings=world.siblings_of(child),
    )


def make_notices(world: World, count: int, seed: int, off_roll_share: float = 0.2) -> list[Notice]:
    rng = random.Random(seed + 1)
    settings_by_la: dict[str, list[str]] = {}
    for s in world.settings:
        if s.kind != "fallback":
            settings_by_la.setdefault(s.la_code, []).append(s.urn)
    off = int(count * off_roll_share)
    on_roll = rng.sample(world.pupils, count - off)
    no_roll = rng.sample(world.off_roll, off)
    children = [(c, True) for c in on_roll] + [(c, False) for c in no_roll]
    rng.shuffle(children)
    return [
        make_notice(rng, f"N{n:06d}", child, world, settings_by_la)
        for n, (child, _) in enumerate(children, start=1)
    ]
