"""Short forms and nicknames British children are known by, and spelling variants of one name.

A curated table, not a guess: each formal name lists the short forms people use for it
(Bill for William, Millie for Amelia). Two names are *related* when one is a short form
of the other, or both are short forms of the same formal name (Liz and Beth). Related
names score as a nickname, never as an exact agreement.

A child's related names are also searched for on the rolls, so that "Alex" finds both
Alexander and Alexandra, and "Alexander" finds a pupil entered as "Alex".
"""

from __future__ import annotations

# formal name -> short forms and nicknames (all folded: lower case, no accents)
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "abigail": ("abi", "abby", "abbie", "gail"),
    "adam": ("ad",),
    "adrian": ("ade",),
    "albert": ("bert", "bertie", "al", "alby"),
    "alexander": ("alex", "alec", "sandy", "xander", "lex", "al", "ali", "zander"),
    "alexandra": ("alex", "lexi", "lexie", "lexy", "sandra", "sandy", "alexa", "ali", "xandra"),
    "alexis": ("alex", "lexi", "lexie"),
    "alfred": ("alf", "alfie", "fred", "freddie", "freddy", "alfy"),
    "alice": ("ali", "allie"),
    "amelia": ("millie", "milly", "mel", "amy", "melia", "lia"),
    "andrew": ("andy", "drew", "andi"),
    "angela": ("angie", "ange"),
    "anthony": ("tony", "ant", "anton"),
    "antonia": ("toni", "tonia"),
    "archibald": ("archie", "arch", "archy"),
    "arthur": ("art", "artie", "arty"),
    "barbara": ("barb", "babs"),
    "benedict": ("ben", "benny"),
    "benjamin": ("ben", "benji", "benjy", "benny", "benjie"),
    "bethany": ("beth", "bethan"),
    "camilla": ("millie", "milly", "cami"),
    "cameron": ("cam", "cammy"),
    "callum": ("cal", "cally"),
    "caroline": ("caro", "carrie", "carol"),
    "catherine": ("cath", "cathy", "kate", "katie", "kat", "kitty", "cat", "kay"),
    "charles": ("charlie", "chas", "chaz", "chuck", "charly"),
    "charlotte": ("lottie", "lotte", "lotty", "charlie", "charly"),
    "christian": ("chris", "christie"),
    "christina": ("chris", "tina", "chrissie", "chrissy", "kristy", "kirsty"),
    "christine": ("chris", "chrissie", "chrissy", "tina"),
    "christopher": ("chris", "kit", "topher", "christie", "kris"),
    "cornelius": ("neil", "con"),
    "cynthia": ("cindy",),
    "dafydd": ("dai", "dewi", "david", "dave"),
    "daniel": ("dan", "danny", "dani"),
    "danielle": ("dani", "ellie", "elle"),
    "david": ("dave", "davy", "davey", "davie", "dai"),
    "deborah": ("debbie", "deb", "debs", "debra"),
    "dominic": ("dom", "nic"),
    "dorothy": ("dot", "dottie", "dolly", "dora"),
    "douglas": ("doug", "dougie"),
    "edward": ("ed", "eddie", "eddy", "ted", "teddy", "ned", "edd"),
    "edmund": ("ed", "eddie", "ned", "ted"),
    "eleanor": ("ellie", "elly", "nell", "nellie", "nora", "ella", "elle", "lainey"),
    "elinor": ("ellie", "elly", "nell", "nora"),
    "elizabeth": (
        "liz",
        "lizzie",
        "lizzy",
        "beth",
        "betty",
        "bet",
        "bess",
        "bessie",
        "eliza",
        "libby",
        "ellie",
        "elise",
        "liza",
        "izzy",
    ),
    "ellen": ("ellie", "nell", "nellie"),
    "emily": ("em", "emmy", "emmie", "millie", "milly", "emi"),
    "emma": ("em", "emmie", "emmy"),
    "eugene": ("gene",),
    "evelyn": ("evie", "eve", "evy", "lyn"),
    "ezekiel": ("zeke",),
    "florence": ("flo", "florrie", "flossie", "flora", "floss"),
    "frances": ("fran", "frankie", "fanny", "franny"),
    "francesca": ("fran", "frankie", "chessie", "cesca"),
    "francis": ("frank", "frankie", "fran"),
    "frederick": ("fred", "freddie", "freddy", "fritz", "rick"),
    "gabriel": ("gabe", "gab", "gabby"),
    "gabriella": ("gabby", "gabi", "ella", "brie"),
    "gabrielle": ("gabby", "gabi", "elle", "brie"),
    "geoffrey": ("geoff", "jeff"),
    "george": ("georgie", "geordie"),
    "georgia": ("georgie", "gia"),
    "georgina": ("georgie", "gina", "george"),
    "gerald": ("gerry", "jerry", "ged"),
    "gregory": ("greg", "gregor"),
    "harold": ("harry", "hal", "hari"),
    "harriet": ("hattie", "hatty", "harry", "hetty"),
    "harrison": ("harry", "harri"),
    "helena": ("lena", "ellie", "helen"),
    "henrietta": ("hetty", "etta", "hattie"),
    "henry": ("harry", "hal", "hank", "hen", "harri"),
    "isaac": ("ike", "zac", "zack", "izzy"),
    "isabel": ("izzy", "izzie", "bella", "belle", "issy", "isa", "izzi"),
    "isabella": ("izzy", "izzie", "bella", "belle", "issy", "isa", "izzi"),
    "isabelle": ("izzy", "izzie", "bella", "belle", "issy", "isa", "izzi"),
    "isobel": ("izzy", "izzie", "bella", "belle", "issy", "isa", "izzi"),
    "jacob": ("jake", "jac", "jakey", "coby"),
    "jacqueline": ("jackie", "jacqui", "jacky"),
    "james": ("jim", "jimmy", "jamie", "jimmie", "jem", "jay", "jas"),
    "jane": ("janie", "jenny"),
    "jennifer": ("jen", "jenny", "jenni", "jennie", "jenna"),
    "jessica": ("jess", "jessie", "jessy", "jessa"),
    "joanna": ("jo", "jojo", "joanne", "jodie"),
    "john": ("jack", "johnny", "jonny", "jon"),
    "jonathan": ("jon", "jonny", "johnny", "jonty"),
    "joseph": ("joe", "joey", "jo", "jos", "jojo"),
    "josephine": ("jo", "josie", "jojo", "posy"),
    "joshua": ("josh", "joshy"),
    "judith": ("judy", "jude"),
    "julian": ("jules",),
    "juliet": ("jules", "julie", "jools"),
    "katherine": ("kate", "katie", "kath", "kathy", "kat", "kitty", "kay", "kit"),
    "kathryn": ("kate", "katie", "kath", "kathy", "kat", "kay"),
    "kenneth": ("ken", "kenny"),
    "kimberley": ("kim", "kimmy"),
    "kimberly": ("kim", "kimmy"),
    "laurence": ("laurie", "larry", "lol", "lawrie"),
    "lawrence": ("laurie", "larry", "lol", "lawrie"),
    "leonard": ("leo", "len", "lenny", "leon"),
    "leonardo": ("leo", "leon", "nardo"),
    "lucinda": ("lucy", "cindy", "lu"),
    "lucy": ("lu", "luce"),
    "madeleine": ("maddie", "maddy", "mads", "madi"),
    "madeline": ("maddie", "maddy", "mads", "madi"),
    "madison": ("maddie", "maddy", "mads", "madi"),
    "margaret": ("maggie", "meg", "peggy", "margo", "madge", "peg"),
    "martha": ("marty", "mattie", "patty"),
    "matilda": ("tilly", "tillie", "mattie", "tilda", "tilde"),
    "matthew": ("matt", "matty", "mattie", "mat"),
    "maximilian": ("max", "maxi"),
    "maxwell": ("max",),
    "michael": ("mike", "mick", "mikey", "micky", "mickey", "mikki", "mitch"),
    "mohammed": ("mo", "mohd", "moe"),
    "muhammad": ("mo", "mohd", "moe"),
    "nathan": ("nate", "nat"),
    "nathaniel": ("nate", "nat", "nathan", "natty"),
    "natalie": ("nat", "nattie", "tally"),
    "natasha": ("tasha", "nat", "tash", "sasha"),
    "nicholas": ("nick", "nicky", "nico", "nic", "nik"),
    "nicola": ("nicky", "nikki", "nic", "nicki"),
    "nicole": ("nicky", "nikki", "nic", "nicki", "nicola"),
    "oliver": ("ollie", "olly", "ol", "noll"),
    "olivia": ("liv", "livvy", "livvie", "ollie", "olly", "livia", "liv"),
    "patricia": ("pat", "patty", "trish", "tricia", "patsy"),
    "patrick": ("pat", "paddy", "patsy", "rick"),
    "penelope": ("penny", "pen", "nell"),
    "peter": ("pete", "petey"),
    "philip": ("phil", "pip", "pippa"),
    "phillip": ("phil", "pip"),
    "philippa": ("pippa", "pip", "phil", "pippy"),
    "rachel": ("rach", "shelley"),
    "raymond": ("ray",),
    "rebecca": ("becky", "becca", "bex", "becki", "beckie", "reba"),
    "richard": ("rich", "rick", "ricky", "dick", "richie", "rico", "ritchie"),
    "robert": ("rob", "robbie", "bob", "bobby", "bert", "bobbie", "robby"),
    "roberta": ("bobbie", "robbie", "berta"),
    "ronald": ("ron", "ronnie", "ronny"),
    "rosalind": ("ros", "rosie", "roz"),
    "rose": ("rosie", "rosy", "rosa"),
    "rosemary": ("rose", "rosie", "romy"),
    "samantha": ("sam", "sammie", "sammy", "sami"),
    "samuel": ("sam", "sammy", "sammie", "sami"),
    "sarah": ("sal", "sally", "sadie", "sara"),
    "sebastian": ("seb", "sebby", "bastian", "bash"),
    "sophia": ("sophie", "soph", "sophy"),
    "sophie": ("soph", "sophy"),
    "stanley": ("stan",),
    "stephanie": ("steph", "stephie", "steff"),
    "stephen": ("steve", "stevie", "steph"),
    "steven": ("steve", "stevie"),
    "susan": ("sue", "suzy", "susie", "suze"),
    "suzanne": ("sue", "suzy", "susie", "suze"),
    "terence": ("terry", "tel"),
    "theodora": ("thea", "dora", "teddie"),
    "theodore": ("theo", "ted", "teddy", "teo"),
    "thomas": ("tom", "tommy", "tommie", "thom", "tam"),
    "timothy": ("tim", "timmy", "timmie"),
    "tobias": ("toby", "tobi"),
    "valentina": ("val", "tina", "vale"),
    "victoria": ("vicky", "vicki", "vikki", "tori", "tory", "vic", "vix"),
    "vincent": ("vince", "vinny", "vin"),
    "wilfred": ("wilf", "fred", "freddie", "will"),
    "william": ("will", "bill", "billy", "willie", "liam", "wills", "willy", "billie", "wil"),
    "winifred": ("winnie", "freda", "win"),
    "zachary": ("zach", "zack", "zac", "zak", "zachy"),
}

# The same name spelt differently; related to each other like nicknames.
SPELLINGS: tuple[tuple[str, ...], ...] = (
    ("aidan", "aiden", "ayden", "aden", "aydan"),
    ("amy", "aimee", "amie"),
    ("caitlin", "kaitlyn", "katelyn", "caitlyn", "kaitlin"),
    ("callum", "calum"),
    ("connor", "conor"),
    ("ellie", "elly", "elli"),
    ("hannah", "hanna"),
    ("isla", "islay"),
    ("jayden", "jaden", "jaiden", "jaydon"),
    ("layla", "laila", "leila", "lailah"),
    ("leah", "lea"),
    ("lewis", "louis", "luis"),
    ("lily", "lilly", "lillie", "lili"),
    ("megan", "meghan", "meagan"),
    ("mohammed", "muhammad", "mohammad", "mohamed", "muhammed", "mohamad", "muhamed"),
    ("rachel", "rachael"),
    ("reece", "rhys", "reese", "rees"),
    ("sean", "shaun", "shawn"),
    ("sienna", "siena"),
    ("sofia", "sophia"),
    ("stephen", "steven"),
    ("philip", "phillip"),
    ("zoe", "zoey", "zoie"),
    ("freya", "freyja"),
    ("evie", "evee", "evey"),
    ("maisie", "maisy", "macie", "maizie"),
    ("isabel", "isabelle", "isobel", "isabella"),
    ("catherine", "katherine", "kathryn", "katharine"),
    ("matilda", "mathilda"),
    ("eleanor", "elinor", "eleanore"),
)


def _relations() -> dict[str, set[str]]:
    rel: dict[str, set[str]] = {}

    def link(a: str, b: str) -> None:
        if a != b:
            rel.setdefault(a, set()).add(b)
            rel.setdefault(b, set()).add(a)

    for formal, shorts in SHORT_FORMS.items():
        for short in shorts:
            link(formal, short)
        for i, a in enumerate(shorts):
            for b in shorts[i + 1 :]:
                link(a, b)
    for group in SPELLINGS:
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                link(a, b)
    return rel


_RELATED = _relations()


def related(a: str, b: str) -> bool:
    """Bill and William, Liz and Beth, Aidan and Aiden: the same person's name, shortened or
    spelt differently. Both arguments folded (see normalise.fold)."""
    return a != b and b in _RELATED.get(a, ())


def related_names(name: str) -> frozenset[str]:
    """Every name related to this folded one (not including itself)."""
    return frozenset(_RELATED.get(name, ()))
