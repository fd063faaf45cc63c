"""The standard item bank: the questions a municipality's citizen survey starts from, in German and English.

Own wording, following the subject areas and question forms of two national victimisation surveys, cited by name
and year only: Bundeskriminalamt, »Sicherheit und Kriminalität in Deutschland« (SKiD) 2020, and Bundeskriminalamt /
Max-Planck-Institut, »Deutscher Viktimisierungssurvey« 2017. Items that carry a national reference value (the first
one: feeling unsafe alone after dark in one's neighbourhood) keep the standard form so the comparison holds.

Data only: `services.load_standard_questionnaire` copies it into a questionnaire. Each item names its type, texts
(de, en), its scale or options, matrix rows, an optional condition on an earlier item (skip logic) and an optional
weighting role. Texts are pairs (German, English); option and row codes are the values stored in answers.
"""

BANK_VERSION = "2026.1"

SOURCES = [
    ("Bundeskriminalamt", "Sicherheit und Kriminalität in Deutschland (SKiD)", 2020),
    ("Bundeskriminalamt / Max-Planck-Institut", "Deutscher Viktimisierungssurvey", 2017),
]

DONT_KNOW = ("9", "weiß nicht / keine Angabe", "don't know / no answer", "missing")

# An option or scale point: (code, German, English, *flags); flags »missing« (counts as missing in the statistics,
# e.g. »weiß nicht«) and »exclusive« (a multiple choice answer that excludes the others).
SCALES = {
    "safety": [
        ("1", "sehr sicher", "very safe"),
        ("2", "eher sicher", "fairly safe"),
        ("3", "eher unsicher", "fairly unsafe"),
        ("4", "sehr unsicher", "very unsafe"),
        DONT_KNOW,
    ],
    "worry": [
        ("1", "gar nicht beunruhigt", "not worried at all"),
        ("2", "etwas beunruhigt", "a little worried"),
        ("3", "ziemlich beunruhigt", "quite worried"),
        ("4", "sehr beunruhigt", "very worried"),
        DONT_KNOW,
    ],
    "likely": [
        ("1", "sehr unwahrscheinlich", "very unlikely"),
        ("2", "eher unwahrscheinlich", "fairly unlikely"),
        ("3", "eher wahrscheinlich", "fairly likely"),
        ("4", "sehr wahrscheinlich", "very likely"),
        DONT_KNOW,
    ],
    "frequency": [
        ("1", "nie", "never"),
        ("2", "selten", "rarely"),
        ("3", "manchmal", "sometimes"),
        ("4", "oft", "often"),
    ],
    "agree": [
        ("1", "stimme gar nicht zu", "strongly disagree"),
        ("2", "stimme eher nicht zu", "tend to disagree"),
        ("3", "stimme eher zu", "tend to agree"),
        ("4", "stimme voll zu", "strongly agree"),
        DONT_KNOW,
    ],
    "problem": [
        ("1", "kein Problem", "no problem"),
        ("2", "ein kleines Problem", "a small problem"),
        ("3", "ein ziemliches Problem", "quite a problem"),
        ("4", "ein großes Problem", "a big problem"),
        DONT_KNOW,
    ],
    "satisfied": [
        ("1", "sehr zufrieden", "very satisfied"),
        ("2", "eher zufrieden", "fairly satisfied"),
        ("3", "eher unzufrieden", "fairly dissatisfied"),
        ("4", "sehr unzufrieden", "very dissatisfied"),
    ],
    "yes_no": [
        ("1", "ja", "yes"),
        ("2", "nein", "no"),
    ],
}

VICTIMISATION = [
    (
        "burglary",
        "Einbruch oder Einbruchsversuch in Ihre Wohnung oder Ihr Haus",
        "burglary or attempted burglary of your home",
    ),
    (
        "theft",
        "Diebstahl persönlicher Gegenstände (z. B. Geldbörse, Handy)",
        "theft of personal belongings (e.g. wallet, phone)",
    ),
    ("vehicle", "Diebstahl eines Fahrrads, Autos oder Motorrads", "theft of a bicycle, car or motorbike"),
    (
        "damage",
        "Beschädigung Ihres Eigentums (z. B. Auto, Fahrrad, Hauswand)",
        "damage to your property (e.g. car, bicycle, wall of your house)",
    ),
    (
        "robbery",
        "Raub (etwas wurde Ihnen mit Gewalt oder Drohung weggenommen)",
        "robbery (something was taken from you by force or threat)",
    ),
    (
        "assault",
        "Körperverletzung (Sie wurden geschlagen, getreten oder verletzt)",
        "assault (you were hit, kicked or injured)",
    ),
    ("threat", "Bedrohung mit Gewalt", "threat of violence"),
    ("sexual", "sexuelle Belästigung oder ein sexueller Übergriff", "sexual harassment or sexual assault"),
    ("fraud", "Betrug, auch im Internet", "fraud, including online"),
    ("hate", "Beleidigung oder Hass, auch im Internet", "insults or hate, including online"),
]

SECTIONS = [
    {
        "key": "sicherheitsgefuehl",
        "title": ("Ihr Sicherheitsgefühl", "How safe you feel"),
        "items": [
            {
                "key": "sicher_dunkel",
                "type": "single",
                "text": (
                    "Wie sicher fühlen Sie sich – oder würden Sie sich fühlen –, wenn Sie nach Einbruch der Dunkelheit "
                    "allein in Ihrer Wohngegend zu Fuß unterwegs sind?",
                    "How safe do you feel – or would you feel – walking alone in your neighbourhood after dark?",
                ),
                "scale": "safety",
                "required": True,
            },
            {
                "key": "sicher_orte",
                "type": "matrix",
                "text": ("Und wie sicher fühlen Sie sich …", "And how safe do you feel …"),
                "scale": "safety",
                "rows": [
                    ("tag_wohngegend", "tagsüber allein in Ihrer Wohngegend?", "alone in your neighbourhood by day?"),
                    ("tag_zentrum", "tagsüber im Stadt- oder Ortszentrum?", "in the town centre by day?"),
                    ("nacht_zentrum", "nachts im Stadt- oder Ortszentrum?", "in the town centre at night?"),
                    ("oepnv_tag", "tagsüber in Bussen und Bahnen?", "on buses and trains by day?"),
                    ("oepnv_nacht", "nachts in Bussen und Bahnen?", "on buses and trains at night?"),
                    ("haltestelle_nacht", "nachts an Haltestellen und Bahnhöfen?", "at stops and stations at night?"),
                    ("zuhause_nacht", "nachts allein in Ihrer Wohnung?", "alone at home at night?"),
                ],
            },
        ],
    },
    {
        "key": "sorgen",
        "title": ("Sorgen und Einschätzungen", "Worries and expectations"),
        "items": [
            {
                "key": "sorge",
                "type": "matrix",
                "text": (
                    "Wie sehr beunruhigt es Sie, dass Ihnen Folgendes passieren könnte?",
                    "How worried are you that the following could happen to you?",
                ),
                "scale": "worry",
                "rows": [
                    ("einbruch", "Einbruch in Ihre Wohnung", "a burglary of your home"),
                    ("diebstahl", "Taschendiebstahl", "pickpocketing"),
                    ("raub", "überfallen und beraubt zu werden", "being mugged"),
                    ("angriff", "geschlagen und verletzt zu werden", "being beaten and injured"),
                    ("sexuell", "sexuell belästigt oder angegriffen zu werden", "being sexually harassed or assaulted"),
                    ("betrug", "im Internet betrogen zu werden", "being defrauded online"),
                    ("eigentum", "dass Ihr Eigentum beschädigt wird", "your property being damaged"),
                    (
                        "vorurteil",
                        "wegen Ihrer Herkunft, Religion oder Ihres Aussehens angegriffen zu werden",
                        "being attacked because of your origin, religion or appearance",
                    ),
                ],
            },
            {
                "key": "risiko",
                "type": "matrix",
                "text": (
                    "Für wie wahrscheinlich halten Sie es, dass Ihnen in den nächsten 12 Monaten Folgendes passiert?",
                    "How likely do you think it is that the following will happen to you in the next 12 months?",
                ),
                "scale": "likely",
                "rows": [
                    ("einbruch", "Einbruch in Ihre Wohnung", "a burglary of your home"),
                    ("angriff", "geschlagen und verletzt zu werden", "being beaten and injured"),
                    ("raub", "überfallen und beraubt zu werden", "being mugged"),
                    ("betrug", "im Internet betrogen zu werden", "being defrauded online"),
                ],
            },
        ],
    },
    {
        "key": "verhalten",
        "title": ("Vorsicht und Schutz", "Caution and protection"),
        "items": [
            {
                "key": "vermeidung",
                "type": "matrix",
                "text": (
                    "Wie oft tun Sie Folgendes, weil Sie sich Sorgen wegen Kriminalität machen?",
                    "How often do you do the following because you worry about crime?",
                ),
                "scale": "frequency",
                "rows": [
                    (
                        "orte_meiden",
                        "bestimmte Straßen, Plätze oder Parks meiden",
                        "avoid certain streets, squares or parks",
                    ),
                    ("abends_zuhause", "abends nicht allein aus dem Haus gehen", "not go out alone in the evening"),
                    ("oepnv_meiden", "abends Busse und Bahnen meiden", "avoid buses and trains in the evening"),
                    (
                        "abwehr",
                        "etwas zur Abwehr mitnehmen (z. B. Pfefferspray)",
                        "carry something for self-defence (e.g. pepper spray)",
                    ),
                    ("wertsachen", "Wertsachen zu Hause lassen", "leave valuables at home"),
                ],
            },
            {
                "key": "schutz",
                "type": "multiple",
                "text": (
                    "Welche Vorkehrungen haben Sie an Ihrer Wohnung oder Ihrem Haus getroffen?",
                    "Which precautions have you taken at your home?",
                ),
                "options": [
                    (
                        "schloss",
                        "zusätzliche Schlösser oder Sicherungen an Türen und Fenstern",
                        "extra locks or security on doors and windows",
                    ),
                    ("alarm", "eine Alarmanlage", "an alarm system"),
                    ("licht", "Bewegungsmelder oder Außenbeleuchtung", "motion sensors or outdoor lighting"),
                    ("kamera", "eine Videokamera", "a video camera"),
                    (
                        "nachbarn",
                        "Absprachen mit Nachbarn, z. B. bei Abwesenheit",
                        "arrangements with neighbours, e.g. when away",
                    ),
                    ("keine", "nichts davon", "none of these", "exclusive"),
                ],
            },
        ],
    },
    {
        "key": "erfahrungen",
        "title": ("Erfahrungen mit Kriminalität", "Experiences of crime"),
        "items": [
            {
                "key": "opfer",
                "type": "multiple",
                "text": (
                    "Ist Ihnen in den letzten 12 Monaten persönlich etwas von dem Folgenden passiert?",
                    "In the last 12 months, has any of the following happened to you personally?",
                ),
                "help": ("Bitte kreuzen Sie alles an, was zutrifft.", "Please tick all that apply."),
                "options": [*VICTIMISATION, ("nichts", "nichts davon", "none of these", "exclusive")],
            },
            {
                "key": "opfer_ort",
                "type": "single",
                "text": (
                    "Ist das – oder das zuletzt Erlebte – in unserer Gemeinde passiert?",
                    "Did this – or the most recent incident – happen in our municipality?",
                ),
                "options": [
                    ("1", "ja", "yes"),
                    ("2", "nein, anderswo", "no, elsewhere"),
                    ("3", "im Internet", "online"),
                    DONT_KNOW,
                ],
                "condition": ("opfer", [code for code, *_ in VICTIMISATION]),
            },
            {
                "key": "anzeige",
                "type": "single",
                "text": ("Haben Sie das der Polizei gemeldet?", "Did you report this to the police?"),
                "options": [
                    ("1", "ja, alles", "yes, everything"),
                    ("2", "ja, teilweise", "yes, partly"),
                    ("3", "nein", "no"),
                    DONT_KNOW,
                ],
                "condition": ("opfer", [code for code, *_ in VICTIMISATION]),
            },
            {
                "key": "anzeige_nicht",
                "type": "multiple",
                "text": ("Warum haben Sie es nicht (alles) gemeldet?", "Why did you not report it (all)?"),
                "options": [
                    ("schwere", "es war nicht schwerwiegend genug", "it was not serious enough"),
                    (
                        "nutzlos",
                        "die Polizei hätte ohnehin nichts tun können",
                        "the police could not have done anything",
                    ),
                    ("selbst", "ich habe es selbst geregelt", "I dealt with it myself"),
                    ("angst", "aus Angst vor Folgen", "for fear of the consequences"),
                    ("aufwand", "zu viel Aufwand", "too much effort"),
                    ("anderes", "aus einem anderen Grund", "for another reason"),
                ],
                "condition": ("anzeige", ["2", "3"]),
            },
        ],
    },
    {
        "key": "polizei",
        "title": ("Polizei", "Police"),
        "items": [
            {
                "key": "vertrauen",
                "type": "matrix",
                "text": (
                    "Wie sehr stimmen Sie den folgenden Aussagen über die Polizei zu?",
                    "How much do you agree with the following statements about the police?",
                ),
                "scale": "agree",
                "rows": [
                    ("vertrauen", "Ich habe Vertrauen in die Polizei.", "I trust the police."),
                    (
                        "praesenz",
                        "Die Polizei ist in meiner Wohngegend ausreichend zu sehen.",
                        "The police are seen often enough in my neighbourhood.",
                    ),
                    ("fair", "Die Polizei behandelt die Menschen fair.", "The police treat people fairly."),
                    (
                        "schnell",
                        "Im Notfall wäre die Polizei schnell da.",
                        "In an emergency the police would arrive quickly.",
                    ),
                ],
            },
            {
                "key": "kontakt",
                "type": "single",
                "text": (
                    "Hatten Sie in den letzten 12 Monaten Kontakt mit der Polizei in unserer Gemeinde?",
                    "In the last 12 months, have you had contact with the police in our municipality?",
                ),
                "options": [
                    ("1", "ja, ich habe mich an die Polizei gewandt", "yes, I contacted the police"),
                    ("2", "ja, die Polizei hat mich angesprochen", "yes, the police approached me"),
                    ("3", "nein", "no"),
                ],
            },
            {
                "key": "kontakt_zufrieden",
                "type": "single",
                "text": ("Wie zufrieden waren Sie mit diesem Kontakt?", "How satisfied were you with this contact?"),
                "scale": "satisfied",
                "condition": ("kontakt", ["1", "2"]),
            },
        ],
    },
    {
        "key": "wohngegend",
        "title": ("Ihre Wohngegend", "Your neighbourhood"),
        "items": [
            {
                "key": "probleme",
                "type": "matrix",
                "text": (
                    "Wie sehr sind die folgenden Dinge in Ihrer Wohngegend ein Problem?",
                    "How much of a problem are the following in your neighbourhood?",
                ),
                "scale": "problem",
                "rows": [
                    ("muell", "Müll und Verschmutzung", "litter and dirt"),
                    ("graffiti", "Schmierereien an Wänden", "graffiti on walls"),
                    (
                        "vandalismus",
                        "beschädigte Bänke, Haltestellen oder Spielplätze",
                        "damaged benches, bus stops or playgrounds",
                    ),
                    ("gruppen", "Gruppen, die andere anpöbeln", "groups harassing others"),
                    ("alkohol", "Alkohol- oder Drogenkonsum in der Öffentlichkeit", "drinking or drug use in public"),
                    ("verkehr", "zu schnelles oder rücksichtsloses Fahren", "speeding or reckless driving"),
                    ("laerm", "Lärm", "noise"),
                    ("licht", "schlecht beleuchtete Wege und Plätze", "poorly lit paths and squares"),
                    ("leerstand", "leerstehende oder verwahrloste Gebäude", "empty or neglected buildings"),
                ],
            },
            {
                "key": "nachbarschaft",
                "type": "matrix",
                "text": (
                    "Wie sehr stimmen Sie den folgenden Aussagen über Ihre Nachbarschaft zu?",
                    "How much do you agree with the following statements about your neighbourhood?",
                ),
                "scale": "agree",
                "rows": [
                    ("helfen", "Die Menschen hier helfen sich gegenseitig.", "People around here help each other."),
                    ("vertrauen", "Man kann den Menschen hier vertrauen.", "People around here can be trusted."),
                    ("zuhause", "Ich fühle mich hier zu Hause.", "I feel at home here."),
                    (
                        "eingreifen",
                        "Wenn Jugendliche etwas beschädigen, würde jemand eingreifen.",
                        "If young people damaged something, someone would step in.",
                    ),
                    (
                        "bitten",
                        "Ich würde Nachbarn bitten, in meiner Abwesenheit nach der Wohnung zu sehen.",
                        "I would ask neighbours to look after my home while I am away.",
                    ),
                ],
            },
        ],
    },
    {
        "key": "angstorte",
        "title": ("Unsichere Orte und was helfen würde", "Unsafe places and what would help"),
        "items": [
            {
                "key": "angstort_gibt",
                "type": "single",
                "text": (
                    "Gibt es in unserer Gemeinde Orte, an denen Sie sich unsicher fühlen oder die Sie deshalb meiden?",
                    "Are there places in our municipality where you feel unsafe or which you avoid for that reason?",
                ),
                "scale": "yes_no",
            },
            {
                "key": "angstort",
                "type": "place",
                "text": ("Welcher Ort ist das vor allem?", "Which place is it above all?"),
                "help": (
                    "Wählen Sie einen Ort aus der Liste oder geben Sie die Lage auf der Karte an.",
                    "Choose a place from the list or give its location on the map.",
                ),
                "options": [
                    ("bahnhof", "Bahnhof und Umgebung", "railway station and surroundings"),
                    ("haltestelle", "Bushaltestellen", "bus stops"),
                    ("park", "Park oder Grünanlage", "park or green space"),
                    ("zentrum", "Marktplatz oder Innenstadt", "market square or town centre"),
                    ("unterfuehrung", "Unterführung", "underpass"),
                    ("parkplatz", "Parkplatz oder Parkhaus", "car park"),
                ],
                "condition": ("angstort_gibt", ["1"]),
            },
            {
                "key": "angstort_grund",
                "type": "text",
                "text": ("Was macht diesen Ort für Sie unsicher?", "What makes this place feel unsafe to you?"),
                "help": (
                    "Bitte nennen Sie keine Namen von Personen.",
                    "Please do not name any persons.",
                ),
                "max_length": 1000,
                "condition": ("angstort_gibt", ["1"]),
            },
            {
                "key": "massnahmen",
                "type": "multiple",
                "text": (
                    "Was würde Ihr Sicherheitsgefühl in unserer Gemeinde verbessern?",
                    "What would make you feel safer in our municipality?",
                ),
                "options": [
                    ("polizei", "mehr Polizei auf der Straße", "more police on the streets"),
                    (
                        "ordnungsdienst",
                        "mehr Streifen des kommunalen Ordnungsdienstes",
                        "more patrols by the municipal enforcement service",
                    ),
                    ("licht", "bessere Beleuchtung", "better lighting"),
                    (
                        "sauberkeit",
                        "Sauberkeit und Pflege öffentlicher Plätze",
                        "cleaner and better kept public spaces",
                    ),
                    ("video", "Videoüberwachung an Brennpunkten", "video surveillance at hot spots"),
                    ("wege", "sichere Wege für Fuß- und Radverkehr", "safe routes for walking and cycling"),
                    ("jugend", "Angebote für Jugendliche", "activities for young people"),
                    ("nachbarschaft", "Nachbarschaftsprojekte", "neighbourhood projects"),
                    (
                        "oepnv",
                        "bessere Bus- und Bahnverbindungen am Abend",
                        "better bus and train services in the evening",
                    ),
                    ("beratung", "Beratung zum Einbruchschutz", "advice on burglary protection"),
                    ("nichts", "nichts davon", "none of these", "exclusive"),
                ],
            },
            {
                "key": "anmerkungen",
                "type": "text",
                "text": ("Möchten Sie uns noch etwas mitteilen?", "Is there anything else you would like to tell us?"),
                "help": ("Bitte nennen Sie keine Namen von Personen.", "Please do not name any persons."),
                "max_length": 2000,
            },
        ],
    },
    {
        "key": "person",
        "title": ("Angaben zu Ihrer Person", "About you"),
        "items": [
            {
                "key": "alter",
                "type": "single",
                "weighting_role": "age_group",
                "text": ("Wie alt sind Sie?", "How old are you?"),
                "options": [
                    ("16-29", "16 bis 29 Jahre", "16 to 29 years"),
                    ("30-44", "30 bis 44 Jahre", "30 to 44 years"),
                    ("45-64", "45 bis 64 Jahre", "45 to 64 years"),
                    ("65-74", "65 bis 74 Jahre", "65 to 74 years"),
                    ("75+", "75 Jahre und älter", "75 years and older"),
                ],
            },
            {
                "key": "geschlecht",
                "type": "single",
                "weighting_role": "sex",
                "text": ("Welches Geschlecht haben Sie?", "What is your sex?"),
                "options": [
                    ("w", "weiblich", "female"),
                    ("m", "männlich", "male"),
                    ("d", "divers", "diverse"),
                    ("9", "keine Angabe", "no answer", "missing"),
                ],
            },
            {
                "key": "ortsteil",
                "type": "single",
                "weighting_role": "part_of_town",
                "text": ("In welchem Ortsteil wohnen Sie?", "In which part of town do you live?"),
                "help": (
                    "Die Ortsteile trägt die Gemeinde vor dem Start der Befragung ein.",
                    "The municipality enters its parts of town before the survey starts.",
                ),
                "options": [
                    ("kern", "Kernstadt", "town centre"),
                    ("andere", "anderer Ortsteil", "another part of town"),
                ],
            },
            {
                "key": "wohndauer",
                "type": "single",
                "weighting_role": "residence",
                "text": (
                    "Wie lange wohnen Sie schon in unserer Gemeinde?",
                    "How long have you lived in our municipality?",
                ),
                "options": [
                    ("0-2", "weniger als 2 Jahre", "less than 2 years"),
                    ("2-5", "2 bis 5 Jahre", "2 to 5 years"),
                    ("6-10", "6 bis 10 Jahre", "6 to 10 years"),
                    ("10+", "mehr als 10 Jahre", "more than 10 years"),
                ],
            },
            {
                "key": "haushalt",
                "type": "number",
                "text": (
                    "Wie viele Personen leben in Ihrem Haushalt, Sie selbst eingeschlossen?",
                    "How many people live in your household, including yourself?",
                ),
                "min": 1,
                "max": 20,
            },
        ],
    },
]


def items() -> list[dict]:
    """Every item of the bank with its section key, in order."""
    return [{**item, "section": section["key"]} for section in SECTIONS for item in section["items"]]


def item(key: str) -> dict | None:
    return next((entry for entry in items() if entry["key"] == key), None)
