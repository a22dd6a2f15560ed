"""Counts read off the parse around an event's trigger, on real sentences from ../shared.

Sentences are copied verbatim from the VOA news and court files of ../shared/corpus, from MUC-4 train
(lower case, as the events stage reads it) and from WikiEvents; test_cases_are_real_sentences checks
that each is still in its source. A few constructions the real sentences lack ("a death toll of 35",
smuggling, qualifiers) are written for this test and marked so. Known misses are strict xfails that
give the reading we want and why the parse cannot give it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from casegraph.extract.counts import extract_counts, parse_number
from tests.conftest import CORPUS, EVAL

Found = tuple[str, float, str, str, str]  # what, value, qualifier, unit, the text of the span
MUC4_TRAIN = EVAL / "muc4" / "gtt_processed" / "train.json"
WIKIEVENTS = [EVAL / "wikievents" / "dev.jsonl", EVAL / "wikievents" / "test.jsonl"]


def _counts(nlp: Any, text: str, trigger: str, etype: str) -> list[Found]:
    """The counts of the event at ``trigger`` ("killed", or "killed#1" for its second occurrence)."""
    word, _, nth = trigger.partition("#")
    sdoc = nlp(text)
    tokens = [t for t in sdoc if t.lower_ == word.lower()]
    assert len(tokens) > int(nth or 0), f"trigger {trigger!r} not in {text!r}"
    counts = extract_counts(tokens[int(nth or 0)], etype)
    return [(c.what, c.value, c.qualifier, c.unit, text[c.start : c.end]) for c in counts]


# VOA news, /work/shared/corpus/news: (text, trigger, event type, expected counts)
NEWS = [
    (
        "But Wednesday's attacks, claimed by IS, on Iran's parliament and the shrine of Ayatollah Ruhollah "
        "Khomeini that left at least 12 people dead, exposed Iran's vulnerability, analysts say.",
        "dead",
        "death",
        [("killed", 12, "at least", "", "at least 12 people")],
    ),
    (
        "Islamic State has claimed responsibility for an attack that killed at least 23 soldiers in the "
        "Sinai Peninsula.",
        "killed",
        "death",
        [("killed", 23, "at least", "", "at least 23 soldiers")],
    ),
    (
        "Islamic State has claimed responsibility for an attack that killed at least 23 soldiers in the "
        "Sinai Peninsula.",
        "attack",
        "attack",
        [("killed", 23, "at least", "", "at least 23 soldiers")],
    ),
    (
        "On Saturday, meanwhile, Egyptian police said they had killed at least 14 militants in raids "
        "carried out at a training camp near Ismailia.",
        "killed",
        "death",
        [("killed", 14, "at least", "", "at least 14 militants")],
    ),
    (
        "Just days before the IS-claimed New Year’s Eve attack on the Reina nightclub in Istanbul that left "
        "39 dead, the group released a video of two Turkish soldiers being forced to crawl on all fours "
        "before being burned alive.",
        "dead",
        "death",
        [("killed", 39, "exact", "", "39")],
    ),
    (
        "Last month alone saw 44 people killed and 163 wounded in a twin bomb attack on a football stadium "
        "in Istanbul.",
        "killed",
        "death",
        [("killed", 44, "exact", "", "44 people")],
    ),
    (
        "Last month alone saw 44 people killed and 163 wounded in a twin bomb attack on a football stadium "
        "in Istanbul.",
        "wounded",
        "injury",
        [("injured", 163, "exact", "", "163")],
    ),
    (
        "Since July 2015 more than 500 people have died in Turkey in terror attacks claimed either by the "
        "Islamic State terror group or Kurdish separatists.",
        "died",
        "death",
        [("killed", 500, "more than", "", "more than 500 people")],
    ),
    (
        "Paris’ Bataclan theater where 89 concert-goers were killed by suicide bombers.",
        "killed",
        "death",
        [("killed", 89, "exact", "", "89 concert-goers")],
    ),
    (
        "Five people, including one woman, were arrested in a series of police raids in Mecca and in the "
        "kingdom's Red Sea port of Jeddah, police said.",
        "arrested",
        "arrest",
        [("arrested", 5, "exact", "", "Five people")],
    ),
    (
        "The five people arrested were thought to be part of the same militant group, but there was no word "
        "on the identity or affiliation of the bomber who blew himself up on Friday.",
        "arrested",
        "arrest",
        [("arrested", 5, "exact", "", "five people")],
    ),
    (
        "Four Saudi security officers were killed during that incident.",
        "killed",
        "death",
        [("killed", 4, "exact", "", "Four Saudi security officers")],
    ),
    (
        "The speakers allege that more than 18,000 Iranian Sunnis have been executed since the 1979 Islamic "
        "Revolution.",
        "executed",
        "death",
        [("killed", 18000, "more than", "", "more than 18,000 Iranian Sunnis")],
    ),
    (
        "The 39 dead and the dozens wounded had come to celebrate the arrival of 2017 but already, thanks "
        "to a lone gunman, this year appears set to be a bloody repeat of 2016 for Turkey.",
        "dead",
        "death",
        [("killed", 39, "exact", "", "39 dead")],
    ),
    (
        "The 39 dead and the dozens wounded had come to celebrate the arrival of 2017 but already, thanks "
        "to a lone gunman, this year appears set to be a bloody repeat of 2016 for Turkey.",
        "wounded",
        "injury",
        [("injured", 24, "at least", "", "dozens")],
    ),
    (
        "IS has long accused Shiite-led Iran of executing thousands of the Sunni minority in the country.",
        "executing",
        "death",
        [("killed", 2000, "at least", "", "thousands of the Sunni minority")],
    ),
    (
        "Islamic State propagandists posted a 42-minute video online Wednesday that included the drowning "
        "in a fish tank of an alleged Iraqi spy and the beheading of another, as well as drone footage of "
        "more than a dozen suicide bombings in northern Iraq undertaken by teenage boys and a one-legged "
        "old man.",
        "bombings",
        "attack.bombing",
        [("suicide bombings", 12, "more than", "", "more than a dozen suicide bombings")],
    ),
]

# WikiEvents dev and test, /work/shared/eval/wikievents
WIKIEVENTS_CASES = [
    (
        "They killed 23 Afghan soldiers and injured another 15.",
        "killed",
        "death",
        [("killed", 23, "exact", "", "23 Afghan soldiers")],
    ),
    (
        "They killed 23 Afghan soldiers and injured another 15.",
        "injured",
        "injury",
        [("injured", 15, "exact", "", "15")],
    ),
    (
        "Insurgents also launched attacks on a military base near the town of Dhuluiyah, killing at least "
        "15 Iraqi soldiers and leaving two others wounded, according to two security officials.",
        "attacks",
        "attack",
        [
            ("killed", 15, "at least", "", "at least 15 Iraqi soldiers"),
            ("injured", 2, "exact", "", "two others"),
        ],
    ),
    (
        "Insurgents also launched attacks on a military base near the town of Dhuluiyah, killing at least "
        "15 Iraqi soldiers and leaving two others wounded, according to two security officials.",
        "wounded",
        "injury",
        [("injured", 2, "exact", "", "two others")],
    ),
    (
        "In the afternoon, during an hour of concentrated bombing at least 11 people died.",
        "died",
        "death",
        [("killed", 11, "at least", "", "at least 11 people")],
    ),
    (
        "There were no fatalities but 33 people were injured, some severely.",
        "injured",
        "injury",
        [("injured", 33, "exact", "", "33 people")],
    ),
    (
        "Last year Ghani has said 28,000 Afghan police officers and soldiers have been killed since 2015, "
        "breaking the longstanding suppression on casualty data.",
        "killed",
        "death",
        [("killed", 28000, "exact", "", "28,000 Afghan police officers and soldiers")],
    ),
    (
        "At Oxford St, the busiest bus station in Northern Ireland, four Ulsterbus workers and two soldiers "
        "were killed.",
        "killed",
        "death",
        [("killed", 4, "exact", "", "four Ulsterbus workers"), ("killed", 2, "exact", "", "two soldiers")],
    ),
    (
        "The Cafetería Rolando bombing was an attack on 13 September 1974 at the Rolando cafe in Calle del "
        "Correo, Madrid, Spain which killed 13 people and wounded 71.",
        "wounded",
        "injury",
        [("injured", 71, "exact", "", "71")],
    ),
    (
        "Tamerlan, 26, allegedly buys two Fager pressure-cookers at Macy’s at the Square One Mall in Saugus.",
        "buys",
        "transaction.purchase",
        [("pressure-cookers", 2, "exact", "", "two Fager pressure-cookers")],
    ),
    (
        "On the same day, Tamerlan Tsarnaev buys two backpacks at a Target in Watertown that were used to "
        "carry the bombs.",
        "buys",
        "transaction.purchase",
        [("backpacks", 2, "exact", "", "two backpacks")],
    ),
    (
        "He buys a carton of whole milk for $3.49, then returns to parked car in the store lot.",
        "buys",
        "transaction.purchase",
        [("price", 3.49, "exact", "dollars", "$3.49")],
    ),
]

# MUC-4 train, /work/shared/eval/muc4/gtt_processed/train.json (lower case)
MUC4 = [
    (
        "the arce battalion command has reported that about 50 peasants of various ages have been kidnapped "
        "by terrorists of the farabundo marti national liberation front (fmln) in san miguel department.",
        "kidnapped",
        "attack.kidnapping",
        [("kidnapped", 50, "about", "", "about 50 peasants")],
    ),
    (
        "meanwhile, three subversives were killed and seven others were wounded during clashes yesterday in "
        "usulutan and morazan departments.",
        "killed",
        "death",
        [("killed", 3, "exact", "", "three subversives")],
    ),
    (
        "meanwhile, three subversives were killed and seven others were wounded during clashes yesterday in "
        "usulutan and morazan departments.",
        "wounded",
        "injury",
        [("injured", 7, "exact", "", "seven others")],
    ),
    (
        "the same military unit reported that there was another clash that resulted in one dead terrorist "
        "and the seizure of various kinds of war materiel near san rafael farm in the same town.",
        "dead",
        "death",
        [("killed", 1, "exact", "", "one dead terrorist")],
    ),
    (
        "in other actions, the armed forces press committee reported at least six fmln deaths in various "
        "parts of the country.",
        "deaths",
        "death",
        [("killed", 6, "at least", "", "at least six fmln deaths")],
    ),
    (
        "spokesmen for the 5th brigade reported 5 soldiers killed, several wounded, and at least 12 rebel "
        "casualties.",
        "killed",
        "death",
        [("killed", 5, "exact", "", "5 soldiers")],
    ),
    (
        "spokesmen for the 5th brigade reported 5 soldiers killed, several wounded, and at least 12 rebel "
        "casualties.",
        "casualties",
        "death",
        [("casualties", 12, "at least", "", "at least 12 rebel casualties")],
    ),
    (
        "over 7,000 people have died in el salvador during 10 years of civil war, and 90 percent of them "
        "were civilians.",
        "died",
        "death",
        [("killed", 7000, "more than", "", "over 7,000 people")],
    ),
    (
        "regional authorities who escaped being kidnapped took a census of the population and determined "
        "that a total of 31 people were kidnapped.",
        "kidnapped#1",
        "attack.kidnapping",
        [("kidnapped", 31, "exact", "", "31 people")],
    ),
    (
        "military sources from ayacucho have reported to efe that three officers and seven soldiers of the "
        "peruvian army, and 15 members of the maoist guerrilla shining path movement today died in combat, "
        "in the department of huancavelica.",
        "died",
        "death",
        [
            ("killed", 3, "exact", "", "three officers"),
            ("killed", 7, "exact", "", "seven soldiers"),
            ("killed", 15, "exact", "", "15 members"),
        ],
    ),
    (
        "the three women supplied a list of 57 people who were killed in the massacre and 18 who are "
        "missing, including a 20-year-old nurse.",
        "killed",
        "death",
        [("killed", 57, "exact", "", "57 people")],
    ),
    (
        "last friday, the shining path ambushed an army patrol, killing 1 officer and 3 noncommissioned "
        "officers and injuring 15 soldiers, 4 of them seriously.",
        "killing",
        "death",
        [("killed", 1, "exact", "", "1 officer"), ("killed", 3, "exact", "", "3 noncommissioned officers")],
    ),
    (
        "last friday, the shining path ambushed an army patrol, killing 1 officer and 3 noncommissioned "
        "officers and injuring 15 soldiers, 4 of them seriously.",
        "injuring",
        "injury",
        [("injured", 15, "exact", "", "15 soldiers")],
    ),
    (
        "el nacional has published a list of 47 people killed and 50 people missing.",
        "killed",
        "death",
        [("killed", 47, "exact", "", "47 people")],
    ),
    (
        "during the operation, the narcotics police arrested 8 drug traffickers and destroyed 1,200 kg of "
        "pure cocaine, 52 clandestine airstrips, 8 laboratories, thousands of gallons of chemicals, and "
        "other equipment used in processing cocaine.",
        "arrested",
        "arrest",
        [("arrested", 8, "exact", "", "8 drug traffickers")],
    ),
    (
        'the army sustained 9 dead and 12 wounded as a result of the fmln guerrilla attack on the "el '
        'paraiso" garrison.',
        "dead",
        "death",
        [("killed", 9, "exact", "", "9 dead")],
    ),
    (
        'the army sustained 9 dead and 12 wounded as a result of the fmln guerrilla attack on the "el '
        'paraiso" garrison.',
        "wounded",
        "injury",
        [("injured", 12, "exact", "", "12")],
    ),
    (
        "one army lieutenant, four soldiers, and three civilians were killed during the attacks.",
        "killed",
        "death",
        [
            ("killed", 1, "exact", "", "one army lieutenant"),
            ("killed", 4, "exact", "", "four soldiers"),
            ("killed", 3, "exact", "", "three civilians"),
        ],
    ),
    (
        "since the up was founded, nearly 1,000 of its members and leaders have been murdered.",
        "murdered",
        "death",
        [("killed", 1000, "nearly", "", "nearly 1,000 of its members and leaders")],
    ),
    (
        "more than 30 of them were detained.",
        "detained",
        "arrest",
        [("arrested", 30, "more than", "", "more than 30")],
    ),
    (
        "in the first meeting, they agreed to meet in costa rica in october to draft a cease-fire that will "
        "end an internal war that has left over 70,000 dead in 9 years.",
        "dead",
        "death",
        [("killed", 70000, "more than", "", "over 70,000")],
    ),
    (
        "the military commander of the area added that 393 guerrillas were killed and 310 wounded in more "
        "than 600 clashes and that 143 soldiers were killed and 300 wounded.",
        "killed#1",
        "death",
        [("killed", 143, "exact", "", "143 soldiers")],
    ),
    (
        "in a preliminary report, the army admitted to only 3 soldiers wounded, and said that 3 guerrillas "
        "had been killed and some 20 others injured.",
        "injured",
        "injury",
        [("injured", 20, "about", "", "some 20 others")],
    ),
    (
        "army helicopters fired rockets this morning on san ramon neighborhood in san salvador, where some "
        "100 guerrillas attacked a civil defense post.",
        "attacked",
        "attack",
        [("guerrillas", 100, "about", "", "some 100 guerrillas")],
    ),
    (
        "after the clash, the army seized a light automatic rifle (fal), 2 mauser rifles, 250 sticks of "
        "dynamite, 22 homemade bombs, 6 cartridge pouches, a large amount of slow fuse and detonator cord, "
        "maps, notebooks, and passports.",
        "seized",
        "arrest",
        [
            ("mauser rifles", 2, "exact", "", "2 mauser rifles"),
            ("dynamite", 250, "exact", "sticks", "250 sticks of dynamite"),
            ("bombs", 22, "exact", "", "22 homemade bombs"),
            ("cartridge pouches", 6, "exact", "", "6 cartridge pouches"),
        ],
    ),
    (
        "a total of 141 properties, as well as 5,222 farm animals, supposedly belonging to drug "
        "traffickers, were also seized.",
        "seized",
        "arrest",
        [
            ("properties", 141, "exact", "", "141 properties"),
            ("farm animals", 5222, "exact", "", "5,222 farm animals"),
        ],
    ),
    (
        "jose oscar marin, 32, was killed when 20 kg of dynamite exploded at the headquarters of the new "
        "liberalism party, whose leader is the recently murdered senator and presidential hopeful luis "
        "carlos galan sarmiento.",
        "exploded",
        "attack.bombing",
        [("dynamite", 20, "exact", "kg", "20 kg of dynamite")],
    ),
    (
        "la serena investigative police have dealt a hard blow to drug trafficking by arresting four "
        "peruvian citizens who entered chile across the northern border with 2 kg of cocaine hydrochloride "
        "valued at $160,000.",
        "arresting",
        "arrest",
        [("arrested", 4, "exact", "", "four peruvian citizens")],
    ),
    (
        "la serena investigative police have dealt a hard blow to drug trafficking by arresting four "
        "peruvian citizens who entered chile across the northern border with 2 kg of cocaine hydrochloride "
        "valued at $160,000.",
        "entered",
        "movement",
        [("cocaine hydrochloride", 2, "exact", "kg", "2 kg of cocaine hydrochloride")],
    ),
    (
        "political violence in peru, which was unleashed by the maoist shining path in 1980, has killed "
        "more than 15,000 people and caused losses totalling some $12 billion -- some 60 percent of the "
        "total peruvian foreign debt.",
        "killed",
        "death",
        [("killed", 15000, "more than", "", "more than 15,000 people")],
    ),
    (
        "advice and an investment of more than $3 billion--very close to $4 billion--to create a huge "
        "buildup in their armaments have not served to change the mentality of an army that murdered "
        "monsignor romero and thousands of civilians, including nuns and u.s.",
        "murdered",
        "death",
        [("killed", 2000, "at least", "", "thousands of civilians")],
    ),
    (
        "galan, 46, was machinegunned together with five other persons who were wounded when he was about "
        "to deliver a speech tonight in soacha, near bogota.",
        "wounded",
        "injury",
        [("injured", 5, "exact", "", "five other persons")],
    ),
    (
        "the five suspects were arrested at 4-a road, no 1978, in mezzanine 1, bogota, where an office "
        "supposedly operated.",
        "arrested",
        "arrest",
        [("arrested", 5, "exact", "", "five suspects")],
    ),
    (
        "the report indicated that 817 properties in colombia have been raided, 10,777 persons have been "
        "arrested, and 678 weapons, and 4,000 kg of cocaine paste have been confiscated since friday, 18 "
        "august.",
        "arrested",
        "arrest",
        [("arrested", 10777, "exact", "", "10,777 persons")],
    ),
    (
        "one of castillo's children, 23-year-old ramiro, was also wounded in the incident.",
        "wounded",
        "injury",
        [("injured", 1, "exact", "", "one of castillo's children")],
    ),
    (
        "one army officer and a civilian died, 5 policemen and 2 civilizans were injured, and some $20 "
        "million was lost in property damage during the strike.",
        "injured",
        "injury",
        [("injured", 5, "exact", "", "5 policemen"), ("injured", 2, "exact", "", "2 civilizans")],
    ),
    (
        "blanco admitted that one of the subjects being considered is a pardon for m-19 members, including "
        "those who participated in the violent occupation of the justice palace in november 1985, when "
        "approximately 100 people were killed.",
        "killed",
        "death",
        [("killed", 100, "about", "", "approximately 100 people")],
    ),
    (
        "we have on the telephone a listener who is going to tell us about two explosions just before noon "
        "that left at least five persons wounded.",
        "explosions",
        "attack.bombing",
        [("explosions", 2, "exact", "", "two explosions")],
    ),
    (
        "we have on the telephone a listener who is going to tell us about two explosions just before noon "
        "that left at least five persons wounded.",
        "wounded",
        "injury",
        [("injured", 5, "at least", "", "at least five persons")],
    ),
    (
        "the salvadoran guerrillas decided to suspend the dialogue process with the government following "
        "the 31 october dynamite attack that left 10 dead and 30 wounded, and also demanded that the united "
        'nations, the oas, and the catholic church provide "guarantees for the opposition organizations."',
        "attack",
        "attack",
        [("killed", 10, "exact", "", "10"), ("injured", 30, "exact", "", "30")],
    ),
    (
        "the report states that at 0200 today, fmln units attacked two 4th infantry brigade cobra battalion "
        "companies in san salvador.",
        "attacked",
        "attack",
        [("battalion companies", 2, "exact", "", "two 4th infantry brigade cobra battalion companies")],
    ),
    (
        "the colombian defense ministry in bogota confirmed today that at least three-fourths of the 10,797 "
        "people arrested after senator luis carlos galan's murder on 18 august have been released.",
        "arrested",
        "arrest",
        [("arrested", 10797, "exact", "", "10,797 people")],
    ),
]

# Years, dates, clock times, ages, addresses, footnotes, durations, distances, money outside a purchase,
# and numbers of another clause: none of them is a count of the event.
NOTHING = [
    (
        "the spokesman added that no one was injured and that leopoldo moreau, the ucr buenos aires "
        "province leader, has travelled to moreno.",
        "injured",
        "injury",
    ),
    ("two cars were damaged but no one was injured.", "injured", "injury"),
    (
        "the colombian defense ministry in bogota confirmed today that at least three-fourths of the 10,797 "
        "people arrested after senator luis carlos galan's murder on 18 august have been released.",
        "released",
        "release",
    ),
    (
        "the assassination of dr oqueli and his companion, gilda flores, the extension of the state of the "
        "siege, and the fact that nothing indicates that there will be punishment for the masterminds of "
        "the massacre of 16 november show that cristiani's announcement to get to the bottom of the latter "
        "case is only a farce to obtain u.s.",
        "massacre",
        "attack",
    ),
    (
        "at noon today, 13 september, the arce battalion indiscriminately bombed areas near perkin, where a "
        "c-47 aircraft strafed this densely populated area.",
        "bombed",
        "attack.bombing",
    ),
    (
        "a guerrilla member died on saturday 11 november while attacking the residence of legislative "
        "assembly vice president roberto angulo, who escaped the attack unharmed.",
        "died",
        "death",
    ),
    (
        "senator galan was killed august 18 while attending an election rally in a bogota suburb.",
        "killed",
        "death",
    ),
    (
        "the priests, their housekeeper and her daughter were murdered in their residence november 16 in "
        "the midst of prolonged and bloody guerrilla offensive in the city.",
        "murdered",
        "death",
    ),
    (
        "observers compare the investigation being carried out by the present rightist government with one "
        "carried out by the government of jose napoleon duarte, a christian democrat, into the 1980 murder "
        "of salvadoran archbishop oscar arnulfo romero.",
        "murder",
        "death",
    ),
    (
        "hospital sources confirmed at 1545 (2145 gmt) that febe velazquez, age 27 and the mother of three, "
        "died from severe skull injuries.",
        "died",
        "death",
    ),
    (
        "rodrigo lara, who was murdered six years on 23 april, was the first to denounce the grave effects "
        "of drug trafficking on the stability of our institutions.",
        "murdered",
        "death",
    ),
    (
        "neghme was killed some 50 meters from the bernardo o'higgins promenade, at 10 west bulnes street.",
        "killed",
        "death",
    ),
    (
        "on 4 october a car bomb exploded about 500 meters from the meeting site.",
        "exploded",
        "attack.bombing",
    ),
    (
        "a military source has reported that the salvadoran air force bombed guerrilla positions along the "
        "side of san salvador volcano, approximately four km from san salvador, this afternoon.",
        "bombed",
        "attack.bombing",
    ),
    (
        "the colombian police, who have been credited with seizing 80 percent of the total annual amount of "
        "cocaine seized worldwide, have in recent weeks dealt severe blows to the medellin cartel drug "
        "lords.",
        "seizing",
        "arrest",
    ),
    (
        "in 1988, it attacked the nation's pipelines approximately 50 times, and thus far this year the eln "
        "has carried out 21 attacks.",
        "attacked",
        "attack",
    ),
    (
        "castellar was kidnapped on 5 january on the outskirts of achi, about 850 km north of bogota, by a "
        "group of armed men, who forced him to accompany them to an undisclosed location.",
        "kidnapped",
        "attack.kidnapping",
    ),
    (
        "on 7 january, cristiani officially acknowledged that military personnel killed the jesuits, their "
        "cook, and the cook's 15-year-old daughter.",
        "killed",
        "death",
    ),
    (
        "rodriguez porth, 65, was killed at 0815 (1415 gmt) near his home in san salvador, along with two "
        "of his bodyguards, only 8 days after taking office on 1 june.",
        "killed",
        "death",
    ),
    (
        "the house was rented in 1987 by luis emilio espina, also known as gonzalo rojas, who was killed 1 "
        "week ago.",
        "killed",
        "death",
    ),
    (
        "he is the third journalist killed in el salvador in the last 12 hours while covering today's "
        "presidential elections for several media.",
        "killed",
        "death",
    ),
    (
        "the dead man has been identified as 39-year-old miguel rodolfo aguilar flores of tegucigalpa.",
        "dead",
        "death",
    ),
    (
        "the police have arrested jose luis francisco gutierrez, a colombian citizen, 28, who is suspected "
        "of being a member of the colombian m-19 guerrilla group.",
        "arrested",
        "arrest",
    ),
    (
        "oqueli, 45, and gilda flores, a member of the democratic socialist party (psd) of guatemala, were "
        "kidnapped while they were on their way to la aurora airport in guatemala city.",
        "kidnapped",
        "attack.kidnapping",
    ),
    (
        "those who were kidnapped are jose maria martinez, 55, from spain; roberto lizardi, 52, from "
        "france; and luis rossi, 35, from italy.",
        "kidnapped",
        "attack.kidnapping",
    ),
    (
        "hoyos was kidnapped on 25 january 1988 and was found dead 8 hours later near the medellin airport.",
        "kidnapped",
        "attack.kidnapping",
    ),
    (
        "the family of norberto rodriguez rodriguez, the brother-in-law of venezuelan president carlos "
        "andres perez, said today that the people who kidnapped 72-year-old rodriguez rodriguez are asking "
        "for $10 million, approximately 4.1 billion pesos, for his release.",
        "kidnapped",
        "attack.kidnapping",
    ),
    (
        "jose oscar marin, 32, was killed when 20 kg of dynamite exploded at the headquarters of the new "
        "liberalism party, whose leader is the recently murdered senator and presidential hopeful luis "
        "carlos galan sarmiento.",
        "killed",
        "death",
    ),
    (
        "kent jr, and another person whose name and nationality the police have not revealed, were arrested "
        "in july 1989 along the southern coast of guatemala when the light plane in which the two were "
        "traveling had to make an emergency landing.",
        "arrested",
        "arrest",
    ),
    (
        "They include two of the terror group’s top propagandists, Abu Muhammad al-Adnani, who personally "
        "selected execution videos and was killed in late August, and his replacement, Abu Muhammad Furqan, "
        "who was killed a month later.",
        "killed#1",
        "death",
    ),
    (
        "7 The Social Media Application #1 account of this individual is known by the FBI to have been "
        "referenced by Elton Simpson, one of the attackers killed while conducting the Garland, Texas "
        "attack on May 3, 2015.",
        "killed",
        "death",
    ),
    (
        "This examination revealed that he purchased Social Media Application #3 and downloaded it onto his "
        "phone on or about March 22, 2015.",
        "purchased",
        "transaction.purchase",
    ),
    (
        "Tamerlan Tsarnaev purchases ammunition from a store in New Hampshire and sends $900 in cash "
        "through Moneygram to his and Dzhokhar’s mother, Zubeidat, through a location in Somerville.",
        "sends",
        "communication.message",
    ),
]

# Written for this test: constructions of the task that the real sentences above lack.
WRITTEN = [
    ("35 killed in bomb blast.", "killed", "death", [("killed", 35, "exact", "", "35")]),
    ("35 dead in market bombing.", "dead", "death", [("killed", 35, "exact", "", "35")]),
    ("the blast killed 35.", "killed", "death", [("killed", 35, "exact", "", "35")]),
    ("officials gave a death toll of 35.", "death", "death", [("killed", 35, "exact", "", "35")]),
    ("the death toll rose to 35 on sunday.", "toll", "death", [("killed", 35, "exact", "", "35")]),
    (
        "the number of people killed rose to two hundred.",
        "killed",
        "death",
        [("killed", 200, "exact", "", "two hundred")],
    ),
    (
        "gunmen opened fire on the bus, killing 35 people.",
        "killing",
        "death",
        [("killed", 35, "exact", "", "35 people")],
    ),
    (
        "a car bomb exploded killing 5 people and wounding 12 in the city.",
        "exploded",
        "attack.bombing",
        [("killed", 5, "exact", "", "5 people"), ("injured", 12, "exact", "", "12")],
    ),
    (
        "the blast killed 35 and injured 12.",
        "blast",
        "attack.bombing",
        [("killed", 35, "exact", "", "35"), ("injured", 12, "exact", "", "12")],
    ),
    (
        "at least 150 fighters attacked the town.",
        "attacked",
        "attack",
        [("fighters", 150, "at least", "", "at least 150 fighters")],
    ),
    (
        "at least 150 fighters were killed.",
        "killed",
        "death",
        [("killed", 150, "at least", "", "at least 150 fighters")],
    ),
    (
        "he bought at least 1.5 tonnes of ammonium nitrate and two ak-47 rifles for $2,000.",
        "bought",
        "transaction.purchase",
        [
            ("ammonium nitrate", 1.5, "at least", "tonnes", "at least 1.5 tonnes of ammonium nitrate"),
            ("rifles", 2, "exact", "", "two ak-47 rifles"),
            ("price", 2000, "exact", "dollars", "$2,000"),
        ],
    ),
    (
        "the family paid a ransom of 2 million dollars for his release.",
        "paid",
        "transaction.payment",
        [("price", 2_000_000, "exact", "dollars", "2 million dollars")],
    ),
    (
        "the gang smuggled as many as 300 migrants and no fewer than 20 kg of heroin across the border.",
        "smuggled",
        "movement.smuggling",
        [
            ("migrants", 300, "up to", "", "as many as 300 migrants"),
            ("heroin", 20, "at least", "kg", "no fewer than 20 kg of heroin"),
        ],
    ),
    (
        "they were caught smuggling nearly two dozen rifles.",
        "smuggling",
        "movement.smuggling",
        [("rifles", 24, "nearly", "", "nearly two dozen rifles")],
    ),
    (
        "he admitted trafficking at most 5 kilos of cocaine.",
        "trafficking",
        "movement.smuggling",
        [("cocaine", 5, "at most", "kilos", "at most 5 kilos of cocaine")],
    ),
    (
        "fewer than 10 people were injured and almost 40 were arrested.",
        "injured",
        "injury",
        [("injured", 10, "fewer than", "", "fewer than 10 people")],
    ),
    (
        "fewer than 10 people were injured and almost 40 were arrested.",
        "arrested",
        "arrest",
        [("arrested", 40, "nearly", "", "almost 40")],
    ),
    (
        "rebels kidnapped up to 800 people.",
        "kidnapped",
        "attack.kidnapping",
        [("kidnapped", 800, "up to", "", "up to 800 people")],
    ),
    (
        "half a dozen people died and a hundred and twenty were hurt.",
        "hurt",
        "injury",
        [("injured", 120, "exact", "", "a hundred and twenty")],
    ),
    (
        "half a dozen people died and a hundred and twenty were hurt.",
        "died",
        "death",
        [("killed", 6, "exact", "", "half a dozen people")],
    ),
    (
        "the famine killed an estimated 1.5 million people.",
        "killed",
        "death",
        [("killed", 1_500_000, "about", "", "an estimated 1.5 million people")],
    ),
    (
        "hundreds of thousands of people were killed.",
        "killed",
        "death",
        [("killed", 200_000, "at least", "", "hundreds of thousands of people")],
    ),
    (
        "the attack killed 35 or more people.",
        "killed",
        "death",
        [("killed", 35, "at least", "", "35 or more people")],
    ),
    (
        "thirty-five soldiers were killed in 1989.",
        "killed",
        "death",
        [("killed", 35, "exact", "", "thirty-five soldiers")],
    ),
    (
        "2000 people were killed in the 2015 attacks.",
        "killed",
        "death",
        [("killed", 2000, "exact", "", "2000 people")],
    ),
    (
        "the gunmen killed 3 people, police said on (216) 555-0100.",
        "killed",
        "death",
        [("killed", 3, "exact", "", "3 people")],
    ),
    (
        "police arrested 3 men under section 41 of the terrorism act.",
        "arrested",
        "arrest",
        [("arrested", 3, "exact", "", "3 men")],
    ),
    (
        "more than 100 people were killed, 90 percent of them civilians.",
        "killed",
        "death",
        [("killed", 100, "more than", "", "more than 100 people")],
    ),
    ("2000 people were killed in the 2015 attacks.", "attacks", "attack", []),
    ("no one was injured.", "injured", "injury", []),
    ("a 25-year-old man, aged 25, was killed on 30 december 2015 at 10 o'clock.", "killed", "death", []),
    # A range has no one value; casegraph keeps none rather than guess.
    ("gunmen killed 30-40 people.", "killed", "death", []),
]

# Misses: the reading we want, which the md model's parse does not allow (strict: a fix must show).
MISSES = [
    pytest.param(
        "The blast injured six foreign visitors to Mecca and five police officers, authorities said.",
        "injured",
        "injury",
        [
            ("injured", 6, "exact", "", "six foreign visitors"),
            ("injured", 5, "exact", "", "five police officers"),
        ],
        id="news-officers-parsed-as-conjunct-of-Mecca",
    ),
    pytest.param(
        "three women survivors have reported to the courts in the peruvian city of ayacucho regarding the "
        "massacre--for which they hold the army responsible--of nearly 80 people, including missing people, "
        "in the town of cayara.",
        "massacre",
        "attack",
        [("people", 80, "nearly", "", "nearly 80 people")],
        id="muc4-of-phrase-attached-to-responsible",
    ),
    pytest.param(
        "seized so far during operation spring were 1050 kg of cocaine and 130 kg of cocaine base, as well "
        "as large quantities of ether, acetone, potassium permanganate, and hydrochloric acid, all of which "
        "were destroyed.",
        "seized",
        "arrest",
        [
            ("cocaine", 1050, "exact", "kg", "1050 kg of cocaine"),
            ("cocaine base", 130, "exact", "kg", "130 kg of cocaine base"),
        ],
        id="muc4-inverted-seized-is-an-adverbial-clause",
    ),
    pytest.param(
        "our troops seized an m-14 rifle from the enemy, 3,000 cartridges for a 7.62-mm rifle, five "
        "knapsacks, six grenades, and field equipment.",
        "seized",
        "arrest",
        [
            ("cartridges", 3000, "exact", "", "3,000 cartridges"),
            ("knapsacks", 5, "exact", "", "five knapsacks"),
            ("grenades", 6, "exact", "", "six grenades"),
        ],
        id="muc4-list-hung-under-for-phrase",
    ),
    pytest.param(
        "The Cafetería Rolando bombing was an attack on 13 September 1974 at the Rolando cafe in Calle del "
        "Correo, Madrid, Spain which killed 13 people and wounded 71.",
        "bombing",
        "attack.bombing",
        [("killed", 13, "exact", "", "13 people"), ("injured", 71, "exact", "", "71")],
        id="wikievents-which-clause-attached-to-Madrid",
    ),
    pytest.param(
        "before the news of the mass kidnapping became known, the total persons kidnapped in colombia over "
        "the last 6 weeks was 85, according to statistics of the colombian secret police.",
        "kidnapped",
        "attack.kidnapping",
        [("kidnapped", 85, "exact", "", "85")],
        id="muc4-total-is-an-adjective",
    ),
    pytest.param(
        "eight is members were detained last week suspected of preparing a suicide attack for new year's "
        "eve.",
        "detained",
        "arrest",
        [("arrested", 8, "exact", "", "eight is members")],
        id="news-lower-case-IS-read-as-the-verb-is",
    ),
]

REAL = [*NEWS, *WIKIEVENTS_CASES, *MUC4]


@pytest.mark.parametrize(("text", "trigger", "etype", "expected"), REAL + WRITTEN)
def test_extract_counts_reads_sentence(
    nlp: Any, text: str, trigger: str, etype: str, expected: list[Found]
) -> None:
    assert _counts(nlp, text, trigger, etype) == expected


@pytest.mark.parametrize(("text", "trigger", "etype"), NOTHING)
def test_extract_counts_ignores_dates_ages_codes_and_other_clauses(
    nlp: Any, text: str, trigger: str, etype: str
) -> None:
    assert _counts(nlp, text, trigger, etype) == []


@pytest.mark.parametrize(("text", "trigger", "etype", "expected"), NEWS)
def test_extract_counts_reads_lower_case_like_cased(
    nlp: Any, text: str, trigger: str, etype: str, expected: list[Found]
) -> None:
    lowered = [
        (what, value, qualifier, unit, span.lower()) for what, value, qualifier, unit, span in expected
    ]
    assert _counts(nlp, text.lower(), trigger, etype) == lowered


@pytest.mark.xfail(strict=True, reason="the spaCy md parse attaches the count elsewhere (see the case id)")
@pytest.mark.parametrize(("text", "trigger", "etype", "expected"), MISSES)
def test_extract_counts_known_misses(
    nlp: Any, text: str, trigger: str, etype: str, expected: list[Found]
) -> None:
    assert _counts(nlp, text, trigger, etype) == expected


def test_extract_counts_spans_are_document_offsets(nlp: Any) -> None:
    path = CORPUS / "news" / "voa-nightclub-massacre-turkish-security.txt"
    text = path.read_text(encoding="utf-8")
    sdoc = nlp(text)
    trigger = next(t for t in sdoc if t.text == "wounded" and t.nbor(-1).text == "163")
    (count,) = extract_counts(trigger, "injury")
    assert count.start > trigger.sent.start_char > 0  # an offset into the article, not into its sentence
    assert text[count.start : count.end] == "163"
    assert (count.what, count.value, count.qualifier) == ("injured", 163, "exact")


def test_cases_are_real_sentences() -> None:
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in sorted((CORPUS / "news").glob("*.txt")))
    corpus += "\n".join(p.read_text(encoding="utf-8") for p in sorted((CORPUS / "court").glob("*.txt")))
    muc4 = "\n".join(json.loads(line)["doctext"] for line in MUC4_TRAIN.read_text().splitlines())
    wiki = "\n".join(json.loads(line)["text"] for p in WIKIEVENTS for line in p.read_text().splitlines())
    sources = {"news": corpus, "muc4": muc4, "wikievents": wiki}
    cases = [("news", c[0]) for c in NEWS] + [("wikievents", c[0]) for c in WIKIEVENTS_CASES]
    cases += [("muc4", c[0]) for c in MUC4]
    cases += [(_source(text), text) for text, _, _ in NOTHING]
    missing = [text for name, text in cases if text not in sources[name]]
    assert missing == []


def _source(text: str) -> str:
    return "muc4" if text == text.lower() else ("wikievents" if "Tsarnaev" in text else "news")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("35", (35, "")),
        ("15,000", (15000, "")),
        ("1.5", (1.5, "")),
        ("1,234.5", (1234.5, "")),
        ("thirty - five", (35, "")),
        ("ninety six", (96, "")),
        ("two hundred", (200, "")),
        ("a hundred and twenty", (120, "")),
        ("two thousand five hundred", (2500, "")),
        ("1.5 million", (1_500_000, "")),
        ("a dozen", (12, "")),
        ("half a dozen", (6, "")),
        ("two dozen", (24, "")),
        ("FIFTEEN", (15, "")),
        ("dozens", (24, "at least")),
        ("scores", (40, "at least")),
        ("hundreds", (200, "at least")),
        ("thousands", (2000, "at least")),
        ("hundreds of thousands", (200_000, "at least")),
        ("tens of thousands", (20_000, "at least")),
    ],
)
def test_parse_number_reads_digits_words_and_vague_plurals(
    nlp: Any, text: str, expected: tuple[float, str]
) -> None:
    assert parse_number(list(nlp.make_doc(text))) == expected


@pytest.mark.parametrize("text", ["", "a", "several", "5th", "first", "thirty people", "1/2", "ak-47"])
def test_parse_number_rejects_what_is_no_number(nlp: Any, text: str) -> None:
    assert parse_number(list(nlp.make_doc(text))) is None
