from lxml import etree

from rarecase.recognize.formats import to_bioc, to_pubtator
from rarecase.text import read_source


def test_pubtator_shifts_offsets_to_its_convention(recognizer):
    text = "Seizures in a boy\n\nHe had ataxia."
    [document] = read_source(text, name="p1")
    mentions = recognizer.annotate(document)
    out = to_pubtator(document, mentions)
    lines = out.strip().split("\n")
    title = lines[0].split("|t|", 1)[1]
    abstract = lines[1].split("|a|", 1)[1]
    joined = title + " " + abstract
    rows = [line.split("\t") for line in lines[2:]]
    assert rows, "mentions are written"
    for row in rows:
        assert joined[int(row[1]) : int(row[2])] == row[3]
    assert {row[5] for row in rows} >= {"HP:0001250", "HP:0001251"}
    assert all(len(row) == 8 for row in rows)


def test_bioc_is_well_formed_with_offsets(recognizer):
    [document] = read_source("She had no seizures.", name="b1")
    data = to_bioc([(document, recognizer.annotate(document))])
    root = etree.fromstring(data)
    [annotation] = root.findall(".//annotation")
    location = annotation.find("location")
    start, length = int(location.get("offset")), int(location.get("length"))
    assert document.text[start : start + length] == annotation.findtext("text") == "seizures"
    infons = {i.get("key"): i.text for i in annotation.findall("infon")}
    assert infons["identifier"] == "HP:0001250" and infons["status"] == "excluded"
