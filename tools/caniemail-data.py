#!/usr/bin/env python3
"""Makes the web UI's HTML check data (server/app/src/main/resources/web/caniemail.json) from the
public caniemail.com data, as the caniemail npm package ships it (data/caniemail.json):

    npm pack caniemail@2.0.2 && tar xzf caniemail-2.0.2.tgz
    tools/caniemail-data.py package/data/caniemail.json > server/app/src/main/resources/web/caniemail.json

Kept per feature: its slug, title, category and page, and per client family and platform the support
of the newest version tested: y (yes), a (partial), n (no), u (unknown). The data is caniemail.com's
(CC BY 4.0); the file says so.
"""
import json
import sys


def newest(versions):
    """The support letter of the newest version tested ("a #1 #2" is partial, with notes)."""
    if not versions:
        return "u"
    last = list(versions.values())[-1]
    return (last or "u").split()[0][0]


def main(path):
    source = json.load(open(path, encoding="utf-8"))
    features = []
    for feature in source["data"]:
        support = {}
        for family, platforms in feature.get("stats", {}).items():
            support[family] = {platform: newest(versions) for platform, versions in platforms.items()}
        features.append({"slug": feature["slug"], "title": feature["title"], "category": feature["category"],
                         "url": feature["url"], "support": support})
    json.dump({"source": "caniemail.com (CC BY 4.0), via the caniemail npm package",
               "updated": source["last_update_date"], "families": source["nicenames"]["family"],
               "platforms": source["nicenames"]["platform"], "features": features},
              sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
