"""Faithfulness checks: tables of French/English pairs, correct and corrupted, with the exact
findings expected. Sentences come from the seed article (seeds/000_077823ae67d334e0.txt)."""

from __future__ import annotations

import pytest

from bilingual_digest.checks import (
    FINDING_KINDS,
    Finding,
    check_length_ratio,
    check_names,
    check_numbers,
    check_repetition,
    check_segment,
    check_summary_numbers,
    check_untranslated,
    repetition_score,
)

# Seed sentences (French) and plausible correct English translations.
FR_MEETING = (
    "L'ambassadrice américaine au Niger Kathleen Fitz Gibbon et le major-général Kenneth "
    "Ekman, directeur de la stratégie, de l'engagement et des programmes du Commandement "
    "américain pour l'Afrique, rencontreront les responsables du Conseil national pour la "
    "sauvegarde de la patrie (CNSP) ce jour 25 avril à Niamey, à Niamey, selon le "
    "Département d'État américain."
)
EN_MEETING = (
    "The US Ambassador to Niger Kathleen FitzGibbon and Major General Kenneth Ekman, Director "
    "of Strategy, Engagement and Programs at US Africa Command, will meet with officials of "
    "the National Council for the Safeguard of the Homeland (CNSP) today, April 25, in "
    "Niamey, according to the US State Department."
)
FR_MARCH = (
    "Les choses se précisent dans le cadre du partenariat sécuritaire entre les Niger et les "
    "Etats-Unis depuis que les autorités nigériennes de la transition avaient annoncé le 16 "
    "mars dernier, la fin de la coopération militaire avec les USA."
)
EN_MARCH = (
    "Things are becoming clearer in the security partnership between Niger and the United "
    "States since the Nigerien transitional authorities announced on March 16 the end of "
    "military cooperation with the USA."
)
FR_2012 = (
    "L’accord de coopération militaire entre le Niger et les USA date de 2012 et concerne la "
    "présence d’un millier des soldats américains."
)
EN_2012 = (
    "The military cooperation agreement between Niger and the USA dates from 2012 and "
    "concerns the presence of about a thousand American soldiers."
)
FR_RYDER = (
    "Lors d’une conférence de presse qu’il a organisé, le 23 avril 2024, le secrétaire de "
    "presse du Pentagone, le général de division de l'armée de l'air Pat Ryder, a indiqué "
    "que « des discussions ont commencé entre les États-Unis et le Niger pour le retrait "
    "ordonné des forces américaines du pays »."
)
EN_RYDER = (
    "At a press conference he held on April 23, 2024, Pentagon press secretary Air Force "
    'Major General Pat Ryder said that "discussions have begun between the United States and '
    'Niger on the orderly withdrawal of US forces from the country".'
)
FR_CAMPBELL = (
    "Le secrétaire d’État adjoint Kurt M. Campbell se rendra à Niamey dans les prochains "
    "mois pour discuter de la poursuite de la collaboration dans des domaines d’intérêt "
    "commun."
)
EN_CAMPBELL = (
    "Deputy Secretary of State Kurt M. Campbell will travel to Niamey in the coming months "
    "to discuss continued collaboration in areas of common interest."
)
FR_CNSP = (
    "Les États-Unis se félicitent de l’intérêt du CNSP pour le maintien d’une relation "
    "bilatérale forte."
)
EN_CNSP = (
    "The United States welcomes the CNSP's interest in maintaining a strong bilateral relationship."
)
FR_PARTNERS = (
    "Les Etats Unis vont continuer à travailler avec des partenaires dans toute l'Afrique sur "
    "ce front."
)
EN_PARTNERS = "The United States will continue to work with partners across Africa on this front."
FR_SIDES = "Les deux parties vont entamer des discussions sur un retrait ordonné."
EN_SIDES = "The two sides will begin discussions on an orderly withdrawal."
FR_REGION = "Nous allons continuer à travailler avec les pays de la région."

FR_ARTICLE = "\n".join([FR_MEETING, FR_MARCH, FR_2012, FR_RYDER, FR_CAMPBELL, FR_CNSP, FR_PARTNERS])
EN_ARTICLE = "\n".join([EN_MEETING, EN_MARCH, EN_2012, EN_RYDER, EN_CAMPBELL, EN_CNSP, EN_PARTNERS])


def pairs(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in findings]


# --------------------------------------------------------------------------------------
# check_segment: the whole table
# --------------------------------------------------------------------------------------

SEGMENT_CASES = [
    # Correct translations of the seed article: no findings.
    pytest.param(FR_MEETING, EN_MEETING, "fr", "en", [], id="seed-meeting"),
    pytest.param(FR_MARCH, EN_MARCH, "fr", "en", [], id="seed-16-mars"),
    pytest.param(FR_2012, EN_2012, "fr", "en", [], id="seed-2012"),
    pytest.param(FR_RYDER, EN_RYDER, "fr", "en", [], id="seed-23-avril-2024"),
    pytest.param(FR_CAMPBELL, EN_CAMPBELL, "fr", "en", [], id="seed-campbell"),
    pytest.param(FR_CNSP, EN_CNSP, "fr", "en", [], id="seed-cnsp"),
    pytest.param(FR_PARTNERS, EN_PARTNERS, "fr", "en", [], id="seed-etats-unis"),
    pytest.param(FR_ARTICLE, EN_ARTICLE, "fr", "en", [], id="seed-article"),
    # The same pairs the other way round.
    pytest.param(EN_MEETING, FR_MEETING, "en", "fr", [], id="en-fr-meeting"),
    pytest.param(EN_RYDER, FR_RYDER, "en", "fr", [], id="en-fr-ryder"),
    pytest.param(EN_2012, FR_2012, "en", "fr", [], id="en-fr-2012"),
    pytest.param(EN_ARTICLE, FR_ARTICLE, "en", "fr", [], id="en-fr-article"),
    # Number changed.
    pytest.param(
        "Les responsables du CNSP rencontreront l'ambassadrice ce jour 25 avril à Niamey.",
        "CNSP officials will meet the ambassador today, April 26, in Niamey.",
        "fr",
        "en",
        [("number_missing", "25 avril"), ("number_added", "April 26")],
        id="day-changed",
    ),
    pytest.param(
        FR_RYDER,
        EN_RYDER.replace("April 23, 2024", "April 23, 2023"),
        "fr",
        "en",
        [("number_missing", "23 avril 2024"), ("number_added", "April 23, 2023")],
        id="year-changed",
    ),
    pytest.param(
        "Le budget atteint 1 200,50 € cette année.",
        "The budget reaches €1,250.50 this year.",
        "fr",
        "en",
        [("number_missing", "1 200,50 €"), ("number_added", "€1,250.50")],
        id="amount-changed",
    ),
    # Number dropped, number added.
    pytest.param(
        FR_2012,
        "The military cooperation agreement between Niger and the USA concerns the presence "
        "of about a thousand American soldiers.",
        "fr",
        "en",
        [("number_missing", "2012")],
        id="year-dropped",
    ),
    pytest.param(
        FR_SIDES,
        "The two sides will begin 3 discussions on an orderly withdrawal.",
        "fr",
        "en",
        [("number_added", "3")],
        id="number-added",
    ),
    # Name dropped.
    pytest.param(
        FR_RYDER,
        "At a press conference he held on April 23, 2024, the Pentagon press secretary said "
        'that "discussions have begun between the United States and Niger on the orderly '
        'withdrawal of US forces from the country".',
        "fr",
        "en",
        [("name_missing", "Pat Ryder")],
        id="name-dropped",
    ),
    pytest.param(
        FR_CNSP,
        "The United States welcomes the junta's interest in maintaining a strong bilateral "
        "relationship.",
        "fr",
        "en",
        [("name_missing", "CNSP")],
        id="acronym-dropped",
    ),
    pytest.param(
        "Pentagon press secretary Pat Ryder said the talks had begun.",
        "Le porte-parole du Pentagone a déclaré que les discussions avaient commencé.",
        "en",
        "fr",
        [("name_missing", "Pat Ryder")],
        id="en-fr-name-dropped",
    ),
    # Copied through, empty.
    pytest.param(FR_SIDES, FR_SIDES, "fr", "en", [("untranslated", FR_SIDES)], id="copied"),
    pytest.param(EN_SIDES, EN_SIDES, "en", "fr", [("untranslated", EN_SIDES)], id="en-copied"),
    pytest.param(FR_SIDES, "", "fr", "en", [("empty", FR_SIDES)], id="empty"),
    pytest.param(FR_RYDER[:70], " \n ", "fr", "en", [("empty", FR_RYDER[:70])], id="blank"),
    # Looped.
    pytest.param(
        FR_REGION,
        "We will continue to work with the countries of the region, the region, the region, "
        "the region, the region.",
        "fr",
        "en",
        [("repetition", "the region")],
        id="looped",
    ),
    pytest.param(
        FR_SIDES,
        "The two sides will begin discussions, no, no, no, no, no.",
        "fr",
        "en",
        [("repetition", "no")],
        id="looped-short",
    ),
    # Several problems at once, in check order.
    pytest.param(
        FR_2012,
        "It dates from 2013 and and and and and and.",
        "fr",
        "en",
        [
            ("number_missing", "2012"),
            ("number_added", "2013"),
            ("name_missing", "Niger"),
            ("name_missing", "USA"),
            ("length_ratio", "It dates from 2013 and and and and and and."),
            ("repetition", "and"),
        ],
        id="combined",
    ),
]


@pytest.mark.parametrize(("source", "translation", "src", "tgt", "expected"), SEGMENT_CASES)
def test_check_segment(
    source: str, translation: str, src: str, tgt: str, expected: list[tuple[str, str]]
) -> None:
    assert pairs(check_segment(source, translation, src, tgt)) == expected


def test_segment_index_and_messages_are_carried() -> None:
    findings = check_segment(FR_2012, "The agreement dates from 2013.", "fr", "en", segment=7)
    assert findings
    assert {f.segment for f in findings} == {7}
    assert all(f.kind in FINDING_KINDS for f in findings)
    assert all(f.message and f.message[0].isupper() and f.message.endswith(".") for f in findings)


def test_messages_name_the_text() -> None:
    missing, added = check_numbers("Il coûte 1 200,50 €.", "It costs €1,300.", "fr", "en")
    assert (
        missing.message == 'The number "1 200,50 €" in the source is missing from the translation.'
    )
    assert (
        added.message == 'The translation contains the number "€1,300", which is not in the source.'
    )
    (date,) = check_numbers("le 25 avril", "", "fr", "en")
    assert date.message == 'The date "25 avril" in the source is missing from the translation.'
    (name,) = check_names(FR_CNSP, "The United States welcomes it.", "fr", "en")
    assert name.message == 'The name "CNSP" in the source is missing from the translation.'


# --------------------------------------------------------------------------------------
# check_numbers
# --------------------------------------------------------------------------------------

EQUAL_NUMBERS = [
    ("Le budget atteint 1 200,50 €.", "The budget reaches €1,200.50.", "fr", "en"),
    ("Le budget atteint 1 200,50 €.", "The budget reaches 1,200.50 euros.", "fr", "en"),
    ("Le budget atteint 1\u202f200,50\u00a0€.", "The budget reaches €1,200.50.", "fr", "en"),
    ("Le budget atteint 1.200,50 €.", "The budget reaches €1,200.50.", "fr", "en"),
    (
        "La réunion a eu lieu le 25 avril 2024.",
        "The meeting took place on April 25, 2024.",
        "fr",
        "en",
    ),
    (
        "La réunion a eu lieu le 25 avril 2024.",
        "The meeting took place on 25 April 2024.",
        "fr",
        "en",
    ),
    ("Il l'a annoncé le 16 mars dernier.", "He announced it on March 16.", "fr", "en"),
    ("Il l'a annoncé le 16 mars dernier.", "He announced it last 16th of March.", "fr", "en"),
    ("L'inflation atteint 3,5 %.", "Inflation reached 3.5%.", "fr", "en"),
    ("L'inflation atteint 3,5 %.", "Inflation reached 3.5 percent.", "fr", "en"),
    ("L'inflation atteint 3,5 pour cent.", "Inflation reached 3.5 per cent.", "fr", "en"),
    ("Il y a 1 000 soldats.", "There are 1,000 soldiers.", "fr", "en"),
    ("Il y a 1\u202f000 soldats.", "There are 1,000 soldiers.", "fr", "en"),
    ("Il y a 1\u00a0000 soldats.", "There are 1000 soldiers.", "fr", "en"),
    ("L'accord date de 2012.", "The agreement dates from 2012.", "fr", "en"),
    ("C'est le 1er tour.", "It is the 1st round.", "fr", "en"),
    ("Rendez-vous le 1er mai.", "See you on May 1.", "fr", "en"),
    ("Le 3 fevrier 2023 et le 15 aout.", "On February 3, 2023 and on August 15.", "fr", "en"),
    ("Le 3 FÉVRIER et le 15 Août.", "On 3 February and on 15 August.", "fr", "en"),
    ("Une ville de 1,2 million d'habitants.", "A city of 1.2 million inhabitants.", "fr", "en"),
    ("Une aide de 2 milliards de dollars.", "Aid of $2 billion.", "fr", "en"),
    ("La réunion commence à 14h30.", "The meeting starts at 2:30 p.m.", "fr", "en"),
    ("Les réunions du 23 au 25 avril.", "The meetings from April 23 to 25.", "fr", "en"),
    ("Trois soldats sont partis.", "3 soldiers left.", "fr", "en"),
    ("The budget is $1,200.", "Le budget est de 1 200 dollars.", "en", "fr"),
    ("Inflation rose to 3.5%.", "L'inflation a atteint 3,5 %.", "en", "fr"),
    ("On April 25, 2024, they met.", "Le 25 avril 2024, ils se sont rencontrés.", "en", "fr"),
    ("The 1,000 soldiers left.", "Les 1 000 soldats sont partis.", "en", "fr"),
    ("Pas de chiffre ici.", "No number here.", "fr", "en"),
    ("Au XXIe siècle, sous la Ve République.", "In the 21st century, under the Fifth Republic.",
     "fr", "en"),
    ("Napoléon Ier est mort en 1821.", "Napoleon I died in 1821.", "fr", "en"),
    ("Les manifestants marchent 5 km.", "Protesters march 5 km.", "fr", "en"),
    ("La réunion aura lieu à 15 h.", "The meeting will take place at 3 p.m.", "fr", "en"),
    ("Les 25-26 avril.", "On 25 and 26 April.", "fr", "en"),
    ("Le 25/04/2024.", "On 2024-04-25.", "fr", "en"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "translation", "src", "tgt"), EQUAL_NUMBERS)
def test_numbers_equal_across_conventions(
    source: str, translation: str, src: str, tgt: str
) -> None:
    assert check_numbers(source, translation, src, tgt) == []


DIFFERENT_NUMBERS = [
    # "1,200" is 1.2 in French and 1200 in English, but French news translated from English
    # keeps "20,000 GBP" (newstest2009): either reading of an ambiguous numeral is accepted,
    # while a changed digit changes both.
    ("Il a gagné 1,200 euros.", "He earned 1,200 euros.", "fr", "en", []),
    ("Il a gagné 1,200 euros.", "He earned 1,300 euros.", "fr", "en",
     [("number_missing", "1,200 euros"), ("number_added", "1,300 euros")]),
    ("Il a gagné 1,2 million.", "He won 1.2 million.", "fr", "en", []),
    ("Il coûte 50 €.", "It costs $50.", "fr", "en",
     [("number_missing", "50 €"), ("number_added", "$50")]),
    ("Il coûte 50 €.", "It costs 50.", "fr", "en", []),
    ("Le 25 avril 2024.", "On April 25.", "fr", "en",
     [("number_missing", "25 avril 2024"), ("number_added", "April 25")]),
    ("L'inflation atteint 3,5 %.", "Inflation reached 35%.", "fr", "en",
     [("number_missing", "3,5 %"), ("number_added", "35%")]),
    ("Il y a 1 000 soldats et 200 civils.", "There are 1,000 soldiers.", "fr", "en",
     [("number_missing", "200")]),
    ("Le 16 mars.", "On March 16, 2024.", "fr", "en",
     [("number_missing", "16 mars"), ("number_added", "March 16, 2024")]),
    ("The meeting is at 9:15 a.m.", "La réunion est à 21h15.", "en", "fr",
     [("number_missing", "9:15 a.m."), ("number_added", "21h15")]),
    # "150-million-crown" is 150 million: 150 alone is another number.
    ("The 150-million-crown campaign starts.", "La campagne de 150 couronnes commence.",
     "en", "fr", [("number_missing", "150-million"), ("number_added", "150 couronnes")]),
    # A Roman numeral after a capitalised word states an ordinal; the pronoun "I" does not.
    ("Il est arrivé 1er.", "Then I left.", "fr", "en", [("number_missing", "1er")]),
]  # fmt: skip


@pytest.mark.parametrize(("source", "translation", "src", "tgt", "expected"), DIFFERENT_NUMBERS)
def test_numbers_differences(
    source: str, translation: str, src: str, tgt: str, expected: list[tuple[str, str]]
) -> None:
    assert pairs(check_numbers(source, translation, src, tgt)) == expected


# More realistic news pairs, checked in both directions: no findings.
REALISTIC_PAIRS = [
    ("Le président Emmanuel Macron s'est rendu à Berlin le 3 octobre pour rencontrer le "
     "chancelier Olaf Scholz.",
     "President Emmanuel Macron went to Berlin on October 3 to meet Chancellor Olaf Scholz."),
    ("Selon l'Insee, le taux de chômage a reculé à 7,3 % au troisième trimestre.",
     "According to INSEE, the unemployment rate fell to 7.3% in the third quarter."),
    ("La Banque centrale européenne (BCE) a relevé ses taux de 0,25 point.",
     "The European Central Bank (ECB) raised its rates by 0.25 points."),
    ("Plus de 10 000 personnes ont manifesté samedi à Paris contre la réforme des retraites.",
     "More than 10,000 people demonstrated in Paris on Saturday against pension reform."),
    ("Le Premier ministre Gabriel Attal a annoncé un plan de 2,5 milliards d'euros.",
     "Prime Minister Gabriel Attal announced a €2.5 billion plan."),
    ("Les Jeux olympiques de Paris 2024 se dérouleront du 26 juillet au 11 août.",
     "The Paris 2024 Olympic Games will take place from July 26 to August 11."),
    ("L'ONU estime que 1,5 million de personnes ont fui le Soudan depuis avril 2023.",
     "The UN estimates that 1.5 million people have fled Sudan since April 2023."),
    ("Au XXe siècle, la Côte d'Ivoire était une colonie française.",
     "In the 20th century, Ivory Coast was a French colony."),
    ("Le Mali, le Burkina Faso et le Niger ont quitté la CEDEAO en janvier.",
     "Mali, Burkina Faso and Niger left ECOWAS in January."),
    ("La réunion aura lieu mardi à 15 h au siège de l'Union africaine à Addis-Abeba.",
     "The meeting will take place on Tuesday at 3 p.m. at the headquarters of the African "
     "Union in Addis Ababa."),
    ("L'Allemagne et l'Espagne soutiennent la proposition de la Commission européenne.",
     "Germany and Spain support the European Commission's proposal."),
    ("Environ 1 500 soldats français restent au Tchad.",
     "About 1,500 French soldiers remain in Chad."),
    ("Le Moyen-Orient reste sous tension, a déclaré le porte-parole de la Maison-Blanche.",
     "The Middle East remains tense, the White House spokesman said."),
    ("Né le 1er janvier 1950 à Dakar, il a étudié à Paris.",
     "Born on January 1, 1950 in Dakar, he studied in Paris."),
    ("Le sommet du G7 se tiendra en Italie du 13 au 15 juin.",
     "The G7 summit will be held in Italy from 13 to 15 June."),
    ("Les températures pourraient atteindre 40 °C dans le Sud-Ouest.",
     "Temperatures could reach 40°C in the southwest."),
    ("Le groupe État islamique a revendiqué l'attaque.",
     "The Islamic State group claimed responsibility for the attack."),
]  # fmt: skip


@pytest.mark.parametrize(("french", "english"), REALISTIC_PAIRS)
def test_realistic_pairs_have_no_findings(french: str, english: str) -> None:
    assert check_segment(french, english, "fr", "en") == []
    assert check_segment(english, french, "en", "fr") == []


def test_year_inside_date_is_not_a_bare_number() -> None:
    findings = check_numbers("le 23 avril 2024", "on April 23", "fr", "en")
    assert [f.text for f in findings] == ["23 avril 2024", "April 23"]


# --------------------------------------------------------------------------------------
# check_names
# --------------------------------------------------------------------------------------

NAME_CASES = [
    pytest.param(FR_MEETING, EN_MEETING, "fr", "en", [], id="seed-meeting"),
    pytest.param(
        "L'OTAN et l'ONU ont réagi.", "NATO and the UN reacted.", "fr", "en", [], id="acronyms"
    ),
    pytest.param(
        "Lors de la réunion, les responsables ont parlé.",
        "During the meeting, officials spoke.",
        "fr",
        "en",
        [],
        id="sentence-initial-words",
    ),
    pytest.param(
        "Le Pentagone enverra une délégation du Département d'État.",
        "The Pentagon will send a delegation from the State Department.",
        "fr",
        "en",
        [],
        id="translated-names",
    ),
    pytest.param(
        "En Afrique de l'Ouest, les États-Unis vont rester, a dit Ryder en Avril.",
        "In West Africa, the United States will stay, Ryder said in April.",
        "fr",
        "en",
        [],
        id="afrique-etats-unis",
    ),
    pytest.param(
        "Niamey accueille la réunion.",
        "The capital hosts the meeting.",
        "fr",
        "en",
        [("name_missing", "Niamey")],
        id="sentence-initial-name-checked",
    ),
    pytest.param(
        "Pentagon press secretary Air Force Major General Pat Ryder said talks had begun.",
        "Le secrétaire de presse du Pentagone, le général de division de l'armée de l'air "
        "Pat Ryder, a déclaré que les discussions avaient commencé.",
        "en",
        "fr",
        [],
        id="en-fr-titles",
    ),
    pytest.param(
        "US Troops Begin Withdrawal From Niger",
        "Les troupes américaines commencent à quitter le Niger",
        "en",
        "fr",
        [],
        id="headline",
    ),
    pytest.param(
        FR_MEETING,
        EN_MEETING.replace("Major General Kenneth Ekman", "a general"),
        "fr",
        "en",
        [("name_missing", "Kenneth Ekman")],
        id="ekman-dropped",
    ),
    pytest.param(
        FR_MEETING,
        EN_MEETING.replace("Niger Kathleen FitzGibbon", "Niger"),
        "fr",
        "en",
        [("name_missing", "Kathleen Fitz Gibbon")],
        id="fitz-gibbon-dropped",
    ),
    pytest.param(
        FR_CAMPBELL,
        EN_CAMPBELL.replace("Kurt M. Campbell", "Mr Smith"),
        "fr",
        "en",
        [("name_missing", "Kurt M. Campbell")],
        id="campbell-dropped",
    ),
    pytest.param(
        "Christopher Maier organisera des réunions à Niamey.",
        "Christopher Maier will hold meetings in the capital.",
        "fr",
        "en",
        [("name_missing", "Niamey")],
        id="niamey-dropped",
    ),
    pytest.param(
        "Le Niger a quitté la CEDEAO et l'OTAN a réagi.",
        "Niger left ECOWAS and the alliance reacted.",
        "fr",
        "en",
        [("name_missing", "OTAN")],
        id="otan-dropped",
    ),
    # A month's abbreviation is not a name ("Sept. 11").
    pytest.param(
        "Depuis le 11 Sept., la ville a changé.",
        "Since 11 September, the city has changed.",
        "fr",
        "en",
        [],
        id="sept-abbreviation",
    ),
    # A parenthesis that is no gloss (no article first) leaves the name before it required.
    pytest.param(
        "Le président, Barack Obama (élu en 2008), a parlé.",
        "The president, Barack (elected in 2008), spoke.",
        "fr",
        "en",
        [("name_missing", "Obama")],
        id="parenthesis-not-a-gloss",
    ),
]


@pytest.mark.parametrize(("source", "translation", "src", "tgt", "expected"), NAME_CASES)
def test_check_names(
    source: str, translation: str, src: str, tgt: str, expected: list[tuple[str, str]]
) -> None:
    assert pairs(check_names(source, translation, src, tgt)) == expected


# --------------------------------------------------------------------------------------
# check_untranslated
# --------------------------------------------------------------------------------------

MOSTLY_ENGLISH = "Les deux parties will begin discussions on the withdrawal of the forces."

UNTRANSLATED_CASES = [
    pytest.param(FR_SIDES, EN_SIDES, "fr", "en", [], id="translated"),
    pytest.param(FR_SIDES, FR_SIDES, "fr", "en", [("untranslated", FR_SIDES)], id="copy"),
    pytest.param(
        FR_SIDES, "  " + FR_SIDES.upper() + " ", "fr", "en",
        [("untranslated", FR_SIDES.upper())], id="copy-case-and-spaces",
    ),
    pytest.param(
        FR_SIDES,
        "The two sides vont entamer des discussions sur un retrait.",
        "fr", "en",
        [("untranslated", "The two sides vont entamer des discussions sur un retrait.")],
        id="mostly-french",
    ),
    pytest.param(
        EN_SIDES,
        MOSTLY_ENGLISH,
        "en", "fr",
        [("untranslated", MOSTLY_ENGLISH)],
        id="left-in-english",
    ),
    pytest.param(FR_SIDES, "", "fr", "en", [("empty", FR_SIDES)], id="empty"),
    pytest.param(FR_SIDES, "\t \n", "fr", "en", [("empty", FR_SIDES)], id="blank"),
    pytest.param("", "", "fr", "en", [], id="both-empty"),
    pytest.param(
        "Kathleen Fitz Gibbon, Kenneth Ekman", "Kathleen Fitz Gibbon, Kenneth Ekman",
        "fr", "en", [], id="names-only",
    ),
    pytest.param("https://example.org/a 2012 1 200", "https://example.org/a 2012 1 200",
                 "fr", "en", [], id="url-and-numbers"),
    pytest.param("Merci beaucoup", "Merci beaucoup", "fr", "en", [], id="two-words"),
    pytest.param(FR_SIDES, FR_SIDES, "fr", "fr", [], id="same-language"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "translation", "src", "tgt", "expected"), UNTRANSLATED_CASES)
def test_check_untranslated(
    source: str, translation: str, src: str, tgt: str, expected: list[tuple[str, str]]
) -> None:
    assert pairs(check_untranslated(source, translation, src, tgt)) == expected


# --------------------------------------------------------------------------------------
# check_length_ratio
# --------------------------------------------------------------------------------------

LENGTH_CASES = [
    ("a" * 40, "b" * 40, {}, []),
    ("a" * 40, "b" * 20, {}, []),
    ("a" * 40, "b" * 80, {}, []),
    ("a" * 40, "b" * 19, {}, [("length_ratio", "b" * 19)]),
    ("a" * 40, "b" * 81, {"high": 2.5}, []),
    ("a" * 40, "b" * 101, {"high": 2.5}, [("length_ratio", "b" * 79 + "…")]),
    ("a" * 19, "b", {}, []),
    ("a" * 19, "b", {"min_chars": 10}, [("length_ratio", "b")]),
    ("a   " * 10, "b" * 10, {}, []),  # white space collapsed: a 19-character source
    ("a" * 40, "", {}, [("length_ratio", "")]),
]


@pytest.mark.parametrize(("source", "translation", "kwargs", "expected"), LENGTH_CASES)
def test_check_length_ratio(
    source: str, translation: str, kwargs: dict[str, float], expected: list[tuple[str, str]]
) -> None:
    assert pairs(check_length_ratio(source, translation, **kwargs)) == expected


def test_length_ratio_message() -> None:
    (finding,) = check_length_ratio("a" * 40, "b" * 10, segment=2)
    assert finding.segment == 2
    assert finding.message == (
        "The translation is much shorter than the source (0.25 times its length; "
        "expected between 0.5 and 2)."
    )


# --------------------------------------------------------------------------------------
# check_repetition and repetition_score
# --------------------------------------------------------------------------------------

REPETITION_CASES = [
    ("no, no, no, no, no", {}, [("repetition", "no")]),
    ("the the the the", {}, [("repetition", "the")]),
    ("the the the", {}, []),
    ("The the THE the", {}, [("repetition", "the")]),
    ("We will go, we will go, we will go, we will go.", {}, [("repetition", "we will go")]),
    ("the region, the region, the region, the region", {}, [("repetition", "the region")]),
    ("a b c a b c a b c a b c a b c a b", {}, [("repetition", "a b c")]),
    ("yes yes yes yes then no no no no no", {}, [("repetition", "yes"), ("repetition", "no")]),
    ("no no no no", {"max_repeats": 4}, []),
    (
        "The troops left. The troops left Niamey. Then the troops left Agadez, and the troops "
        "left Niger.",
        {},
        [("repetition", "the troops left")],
    ),
    ("The troops left. The troops left Niamey. Then the troops left Agadez.", {}, []),
    ("in Niamey, in Niamey", {}, []),
    ("", {}, []),
    (EN_ARTICLE, {}, []),
    (FR_ARTICLE, {}, []),
]


@pytest.mark.parametrize(("text", "kwargs", "expected"), REPETITION_CASES)
def test_check_repetition(
    text: str, kwargs: dict[str, int], expected: list[tuple[str, str]]
) -> None:
    assert pairs(check_repetition(text, **kwargs)) == expected


@pytest.mark.parametrize("paragraph", EN_ARTICLE.split("\n") + FR_ARTICLE.split("\n"))
def test_normal_prose_has_no_repetition(paragraph: str) -> None:
    assert check_repetition(paragraph) == []


def test_repetition_message() -> None:
    (finding,) = check_repetition("no, no, no, no, no", segment=0)
    assert finding.segment == 0
    assert finding.message == (
        'The phrase "no" is repeated 5 times in a row: the output looks stuck in a loop.'
    )


def test_repetition_score_orders_outputs() -> None:
    clean = EN_PARTNERS
    looped = "The United States will continue to work with partners, partners, partners, partners."
    worse = "partners partners partners partners partners partners partners partners"
    assert repetition_score("") == 0.0
    assert repetition_score(EN_SIDES) == 0.0
    assert repetition_score(clean) < repetition_score(looped) < repetition_score(worse)
    assert repetition_score(EN_ARTICLE) < 0.1
    assert max([clean, looped], key=lambda t: -repetition_score(t)) == clean


# --------------------------------------------------------------------------------------
# check_summary_numbers
# --------------------------------------------------------------------------------------

SUMMARY_CASES = [
    pytest.param(
        "On April 25, US officials met the CNSP in Niamey; about 1,000 US troops have been in "
        "Niger since 2012. Talks began on April 23, 2024.",
        FR_ARTICLE,
        "en",
        "fr",
        [],
        id="supported",
    ),
    pytest.param(
        "In 2024, the United States announced the withdrawal of its troops.",
        FR_ARTICLE,
        "en",
        "fr",
        [],
        id="year-of-a-date",
    ),
    pytest.param(
        "On April 26, US officials met the CNSP; 1,100 troops have been there since 2013.",
        FR_ARTICLE,
        "en",
        "fr",
        [
            ("summary_number_unsupported", "April 26"),
            ("summary_number_unsupported", "1,100"),
            ("summary_number_unsupported", "2013"),
        ],
        id="unsupported",
    ),
    pytest.param(
        "Le 16 mars, le Niger a mis fin à la coopération datant de 2012 (3,5 % du budget).",
        EN_ARTICLE,
        "fr",
        "en",
        [("summary_number_unsupported", "3,5 %")],
        id="fr-summary-of-en-article",
    ),
]


@pytest.mark.parametrize(("summary", "article", "s_lang", "a_lang", "expected"), SUMMARY_CASES)
def test_check_summary_numbers(
    summary: str, article: str, s_lang: str, a_lang: str, expected: list[tuple[str, str]]
) -> None:
    findings = check_summary_numbers(summary, article, s_lang, a_lang, segment=1)
    assert pairs(findings) == expected
    assert all(f.segment == 1 for f in findings)


def test_summary_message() -> None:
    (finding,) = check_summary_numbers("Since 2013.", FR_2012, "en", "fr")
    assert finding.message == 'The number "2013" in the summary does not appear in the article.'


# --------------------------------------------------------------------------------------
# Validation at the boundary
# --------------------------------------------------------------------------------------

PAIR_CHECKS = [check_numbers, check_names, check_untranslated, check_segment]


@pytest.mark.parametrize("check", [*PAIR_CHECKS, check_summary_numbers])
@pytest.mark.parametrize(
    ("langs", "error", "match"),
    [(("fr", None), TypeError, "must be a str language code"), ((" ", "en"), ValueError, "code")],
)
def test_bad_language_is_rejected(
    check: object, langs: tuple[object, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        check("un", "one", *langs)  # type: ignore[operator]


@pytest.mark.parametrize("check", [*PAIR_CHECKS, check_summary_numbers])
@pytest.mark.parametrize("texts", [(None, "x"), ("x", b"x"), (3, "x")])
def test_non_str_text_is_rejected(check: object, texts: tuple[object, object]) -> None:
    with pytest.raises(TypeError, match="must be a str"):
        check(*texts, "fr", "en")  # type: ignore[operator]


def test_other_bad_arguments() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        check_repetition(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a str"):
        repetition_score(["a"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a str"):
        check_length_ratio("a", 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="segment"):
        check_numbers("a", "b", "fr", "en", segment="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="low"):
        check_length_ratio("a", "b", low=2.0, high=1.0)
    with pytest.raises(ValueError, match="min_chars"):
        check_length_ratio("a", "b", min_chars=-1)
    with pytest.raises(ValueError, match="max_repeats"):
        check_repetition("a", max_repeats=0)
    with pytest.raises(ValueError, match="kind"):
        Finding("typo", "x", None, "x")


def test_findings_are_frozen_and_deterministic() -> None:
    first = check_segment(FR_2012, "It dates from 2013 and and and and.", "fr", "en")
    second = check_segment(FR_2012, "It dates from 2013 and and and and.", "fr", "en")
    assert first == second
    with pytest.raises(AttributeError):
        first[0].text = "changed"  # type: ignore[misc]
