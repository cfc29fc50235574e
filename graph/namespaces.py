"""The IRI bases of leadgraph's terms and data as plain strings, importable without rdflib (the
query command starts without it)."""

BASE = "https://w3id.org/leadgraph/"
PREFIXES = {
    "lg": BASE + "ontology#",
    "lgc": BASE + "concept/",
    "lge": BASE + "entity/",
    "lgd": BASE + "data/",
    "lgp": BASE + "person/",
    "oa": "http://www.w3.org/ns/oa#",
    "schema": "https://schema.org/",
}
