"""In-document resolution: links between mentions of one entity, added mentions, voted types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casegraph.extract.entities import extract_mentions, sentence_of
from casegraph.model import Document, Link, Mention, make_id
from casegraph.resolve.clusters import cluster_links
from casegraph.resolve.inside import resolve_document, text_sentences
from tests.conftest import CORPUS, FIXTURES

CELL = FIXTURES / "resolve" / "gaziantep-cell.txt"
NAMESAKES = FIXTURES / "resolve" / "namesakes.txt"


def document(text: str, name: str = "test.txt") -> Document:
    return Document(id=make_id("d", name, text), path=name, title=name, text=text)


def mention(doc: Document, text: str, label: str, *, nth: int = 0, source: str = "spacy") -> Mention:
    """A mention as the model would give it, at the nth occurrence of ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(text, start + 1)
    end = start + len(text)
    type_ = {"PERSON": "person", "ORG": "organization", "GPE": "location"}.get(label, "misc")
    sent = sentence_of(text_sentences(doc.text), start, end)
    return Mention(Mention.make_id(doc.id, start, end), doc.id, start, end, text, type_, label, source, *sent)


class Resolved:
    """The outcome of resolving one document, with questions a test asks of it."""

    def __init__(self, doc: Document, mentions: list[Mention], links: list[Link]) -> None:
        self.doc = doc
        self.mentions = mentions
        self.links = links
        self.by_id = {m.id: m for m in mentions}
        self.link_of = {lk.source: lk for lk in links}
        self.clusters = cluster_links(self.by_id, links)

    def all(self, text: str) -> list[Mention]:
        return [m for m in self.mentions if m.text == text]

    def at(self, text: str, nth: int = 0) -> Mention:
        return self.all(text)[nth]

    def same(self, a: Mention, b: Mention) -> bool:
        return self.clusters.find(a.id) == self.clusters.find(b.id)

    def cluster_texts(self, m: Mention) -> set[str]:
        root = self.clusters.find(m.id)
        return {x.text for x in self.mentions if self.clusters.find(x.id) == root}


def resolve(doc: Document, mentions: list[Mention]) -> Resolved:
    out, links = resolve_document(mentions, doc)
    return Resolved(doc, out, links)


def resolve_file(nlp: Any, path: Path) -> Resolved:
    doc = document(path.read_text(encoding="utf-8"), path.name)
    sdoc = nlp(doc.text)
    mentions, _ = extract_mentions(sdoc, doc)
    out, links = resolve_document(mentions, doc, sdoc=sdoc)
    return Resolved(doc, out, links)


# ---------------------------------------------------------------- rules on hand-made mentions


def test_surname_links_to_the_earlier_full_name_and_takes_its_type() -> None:
    doc = document("Oxford historian Mark Almond wrote the book. Almond said Turkey was in trouble.")
    res = resolve(doc, [mention(doc, "Mark Almond", "PERSON"), mention(doc, "Almond", "ORG", nth=1)])
    almond = res.at("Almond")
    link = res.link_of[almond.id]
    assert (link.target, link.reason) == (res.at("Mark Almond").id, "surname")
    assert 0 < link.score <= 1
    assert almond.type == "person"  # the model's ORG is outvoted by the cluster


def test_surname_matching_ignores_diacritics() -> None:
    doc = document("President Recep Tayyip Erdoğan spoke. Later Erdogan left.")
    res = resolve(doc, [mention(doc, "Recep Tayyip Erdoğan", "PERSON"), mention(doc, "Erdogan", "PERSON")])
    assert res.link_of[res.at("Erdogan").id].reason == "surname"


def test_untagged_surnames_are_added_after_the_full_name() -> None:
    text = "Yunus Durmaz led the cell. Police said Durmaz had a car. Durmaz Street is quiet. Ali Durmaz left."
    doc = document(text)
    res = resolve(doc, [mention(doc, "Yunus Durmaz", "PERSON")])
    added = res.all("Durmaz")
    assert [m.start for m in added] == [text.index("Durmaz had")]  # not "Durmaz Street", not "Ali Durmaz"
    assert added[0].source == "rule" and added[0].label == "rule:surname"
    assert text[added[0].start : added[0].end] == "Durmaz"
    assert res.link_of[added[0].id].target == res.at("Yunus Durmaz").id


def test_surname_before_the_full_name_links_forward() -> None:
    doc = document("Erdogan's Gamble\nPresident Recep Tayyip Erdoğan said on Thursday that he would stay.")
    res = resolve(doc, [mention(doc, "Erdogan", "PERSON"), mention(doc, "Recep Tayyip Erdoğan", "PERSON")])
    link = res.link_of[res.at("Erdogan").id]
    assert link.target == res.at("Recep Tayyip Erdoğan").id and link.reason == "surname"


def test_shared_surname_follows_only_an_unambiguous_previous_mention() -> None:
    text = (
        "Ali Sahin and Yakub Sahin were detained. Sahin denied the charges. "
        "Later Yakub Sahin spoke to investigators. Sahin said he was innocent."
    )
    doc = document(text)
    mentions = [
        mention(doc, "Ali Sahin", "PERSON"),
        mention(doc, "Yakub Sahin", "PERSON"),
        mention(doc, "Yakub Sahin", "PERSON", nth=1),
    ]
    res = resolve(doc, mentions)
    first, second = sorted((m for m in res.mentions if m.text == "Sahin"), key=lambda m: m.start)
    assert first.id not in res.link_of  # both men were just named together
    assert res.same(second, res.at("Yakub Sahin"))
    assert not res.same(second, res.at("Ali Sahin"))
    assert not res.same(res.at("Ali Sahin"), res.at("Yakub Sahin"))


def test_surname_never_links_to_a_place_used_as_one() -> None:
    doc = document(
        "Ilhami Bali ran the network. Fighters gathered in Bali before the attack. Bali denied it."
    )
    mentions = [
        mention(doc, "Ilhami Bali", "PERSON"),
        mention(doc, "Bali", "GPE", nth=1),
        mention(doc, "Bali", "GPE", nth=2),
    ]
    res = resolve(doc, mentions)
    in_bali, bali_said = sorted((m for m in res.mentions if m.text == "Bali"), key=lambda m: m.start)
    assert not res.same(in_bali, res.at("Ilhami Bali"))
    assert in_bali.type == "location"
    assert res.same(bali_said, res.at("Ilhami Bali")) and bali_said.type == "person"


def test_alias_table_links_and_types() -> None:
    doc = document(
        "Jabhat al-Nusra fighters and the Nusra Front. ISIL, also called Daesh, and Islamic State."
    )
    mentions = [
        mention(doc, "Jabhat al-Nusra", "PERSON"),
        mention(doc, "Nusra Front", "ORG"),
        mention(doc, "ISIL", "ORG"),
        mention(doc, "Daesh", "GPE"),
        mention(doc, "Islamic State", "ORG"),
    ]
    res = resolve(doc, mentions)
    nusra = res.at("Jabhat al-Nusra")
    assert nusra.type == "organization"
    assert res.link_of[res.at("Nusra Front").id] == Link(res.at("Nusra Front").id, nusra.id, "alias", 0.95)
    assert res.cluster_texts(res.at("ISIL")) == {"ISIL", "Daesh", "Islamic State"}
    assert {m.type for m in res.mentions if m.text in ("ISIL", "Daesh", "Islamic State")} == {"organization"}


def test_acronym_defined_in_parentheses_links_both_ways() -> None:
    text = (
        "Rebels of the Kurdistan Workers Party (PKK) attacked. The PKK denied it. "
        "Conflict Armament Research (CAR) traced the arms; CAR said so. "
        "The YPG (People's Protection Units) holds Manbij. A car exploded."
    )
    doc = document(text)
    mentions = [
        mention(doc, "Kurdistan Workers Party", "ORG"),
        mention(doc, "PKK", "ORG", nth=1),
        mention(doc, "YPG", "ORG"),
    ]
    res = resolve(doc, mentions)
    pkk = res.at("PKK")
    assert res.link_of[pkk.id].reason == "acronym"
    assert res.link_of[pkk.id].target == res.at("Kurdistan Workers Party").id
    # "CAR" by its initials, though the model found neither name; "car" is not it.
    car = res.all("CAR")
    assert len(car) == 2 and all(m.type == "organization" for m in car)
    assert res.cluster_texts(car[1]) == {"CAR", "Conflict Armament Research"}
    assert not any(m.text == "car" for m in res.mentions)
    expansion = res.at("People's Protection Units")
    assert res.link_of[expansion.id] == Link(expansion.id, res.at("YPG").id, "expansion", 0.95)


def test_same_name_links_later_to_first() -> None:
    doc = document("Gaziantep is near Syria. Police in Gaziantep said so. GAZIANTEP is a city.")
    mentions = [mention(doc, "Gaziantep", "ORG"), mention(doc, "Gaziantep", "GPE", nth=1)]
    mentions.append(mention(doc, "GAZIANTEP", "GPE"))
    res = resolve(doc, mentions)
    first = min(res.all("Gaziantep"), key=lambda m: m.start)
    assert {lk.reason for lk in res.links} == {"same_name"}
    assert {lk.target for lk in res.links} == {first.id}
    assert {m.type for m in res.mentions} == {"location"}  # "Gaziantep" ORG corrected


def test_resolve_document_is_deterministic() -> None:
    doc = document("Yunus Durmaz met Aaron Stein. Durmaz and Stein talked about the PKK.")
    mentions = [mention(doc, "Yunus Durmaz", "PERSON"), mention(doc, "Aaron Stein", "PERSON")]
    one = resolve_document(mentions, doc)
    two = resolve_document(list(reversed(mentions)), doc)
    assert one == two


# ---------------------------------------------------------------- real documents through spaCy


def test_resolve_the_nightclub_article(nlp: Any) -> None:
    res = resolve_file(nlp, CORPUS / "news" / "voa-nightclub-massacre-turkish-security.txt")
    for m in res.mentions:
        assert res.doc.text[m.start : m.end] == m.text
    assert res.same(res.at("Almond"), res.at("Mark Almond"))
    assert res.at("Almond").type == "person"
    assert res.same(res.at("Wallace"), res.at("Ben Wallace"))
    assert all(res.same(m, res.at("Recep Tayyip Erdoğan")) for m in res.all("Erdogan"))
    assert not res.same(res.at("Mark Almond"), res.at("Ben Wallace"))
    assert {m.type for m in res.all("Reina")} == {"facility"}  # "the Reina nightclub"


def test_resolve_the_gaziantep_passage(nlp: Any) -> None:
    res = resolve_file(nlp, CELL)
    bali = res.at("Ilhami Bali")
    assert len(res.all("Bali")) == 5
    assert all(res.same(m, bali) and m.type == "person" for m in res.all("Bali"))
    assert len(res.all("Durmaz")) == 2
    assert all(res.same(m, res.at("Yunus Durmaz")) for m in res.all("Durmaz"))
    assert res.same(res.at("Stein"), res.at("Aaron Stein"))
    assert res.same(res.at("PKK"), res.at("Kurdistan Workers Party"))
    assert res.same(res.at("ISIL"), res.at("Daesh")) and res.same(res.at("ISIL"), res.at("Islamic State"))
    assert {m.type for m in res.all("Suruc")} == {"location"}
    assert res.at("Jabhat al-Nusra").type == "organization"
    assert not res.same(res.at("Atlantic Council"), res.at("Aaron Stein"))
    assert res.same(res.at("Erdogan"), res.at("Recep Tayyip Erdoğan"))  # "Erdogan's government" comes first
    first_sahin = min(res.all("Sahin"), key=lambda m: m.start)
    assert first_sahin.id not in res.link_of


def test_resolve_keeps_namesakes_apart(nlp: Any) -> None:
    res = resolve_file(nlp, NAMESAKES)
    almond, mark_wallace, ben_wallace = res.at("Mark Almond"), res.at("Mark Wallace"), res.at("Ben Wallace")
    assert not res.same(almond, mark_wallace)
    assert not res.same(mark_wallace, ben_wallace)
    assert res.same(res.at("Wallace", 0), mark_wallace)
    assert res.same(res.at("Wallace", 1), ben_wallace)
    for street in res.all("Wallace Street"):
        assert street.type != "person"
        assert not res.same(street, ben_wallace)
    assert res.same(res.at("CAR", 1), res.at("Conflict Armament Research"))
    expansion = res.at("Kurdistan Workers Party")
    assert res.link_of[expansion.id].reason == "expansion"


def test_resolve_an_email_greeting(nlp: Any) -> None:
    from casegraph.ingest import read_file

    path = CORPUS / "email" / "enron-arora-h-sent-items-58.eml"
    doc = read_file(path, display=path.name, ref_date=None)[0]
    sdoc = nlp(doc.text)
    mentions, _ = extract_mentions(sdoc, doc)
    out, links = resolve_document(mentions, doc, sdoc=sdoc)
    res = Resolved(doc, out, links)
    assert res.same(res.at("Greg"), res.at("Greg Blair"))
    assert res.same(res.at("Harry"), res.at("Harry Arora"))


def test_also_known_as_links_an_alias_named_by_the_text() -> None:
    doc = document('5. Harun Yavuz, 41, also known as "Abu Harun". At large. Yavuz recruited fighters.')
    res = resolve(doc, [mention(doc, "Harun Yavuz", "PERSON"), mention(doc, "Abu Harun", "PERSON")])
    link = res.link_of[res.at("Abu Harun").id]
    assert (link.target, link.reason) == (res.at("Harun Yavuz").id, "alias")
    assert res.same(res.at("Yavuz"), res.at("Harun Yavuz"))


def test_surname_tagged_as_a_place_links_only_to_a_sure_person() -> None:
    # "to Aydin" is a man written to; "Lebed Chechnya" (a headline the model read as a name) is no person.
    text = (
        "Lebed Chechnya peace plan\nKemal Aydin was charged. Karaca wrote to Aydin. Peace in Chechnya is far."
    )
    doc = document(text)
    mentions = [
        mention(doc, "Lebed Chechnya", "PERSON"),
        mention(doc, "Kemal Aydin", "PERSON"),
        mention(doc, "Aydin", "GPE", nth=1),
        mention(doc, "Chechnya", "GPE", nth=1),
    ]
    res = resolve(doc, mentions)
    aydin = res.at("Aydin")
    assert res.same(aydin, res.at("Kemal Aydin")) and aydin.type == "person"
    chechnya = res.at("Chechnya")
    assert not res.same(chechnya, res.at("Lebed Chechnya")) and chechnya.type == "location"
