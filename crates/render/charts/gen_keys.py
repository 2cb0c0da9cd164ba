#!/usr/bin/env python3
"""Generate <chart>-<version>.keys fixtures from pinned upstream chart data.

usage: gen_keys.py [--chart NAME DIR]... [DATA_DIR] [OUT_DIR]
  DATA_DIR defaults to ../shared/validate/data beside the repository (must contain SOURCES.md and charts/<chart>/)
  OUT_DIR  defaults to the directory of this script for the platform components' charts
           (traefik, metallb) and to crates/spec/types/ for the built-in infrastructure
           types' charts (the charts their definitions there name), beside the
           definitions; given, every list goes there.
  --chart NAME DIR  also generate NAME-<version>.keys from an extra chart directory DIR holding
           values.yaml, Chart.yaml, optionally values.schema.json and open_maps.txt, and a one-line
           SOURCE file "OWNER/REPO @ REF path PATH/" (REF: commit, or tag and blob) naming its origin.
           May be repeated; the default charts are still generated when DATA_DIR holds SOURCES.md.

Each .keys file lists (sorted, one per line) every dotted key path of the chart's default
values.yaml. Maps are descended; lists are NOT descended (a list-valued key is a leaf).
A segment containing a dot is quoted: metrics.service.annotations."prometheus.io/port".
A free-form map (any sub-key allowed) gets an extra line `<path>.*`, using the rules of
validate/values_check.py:
  * the default is an empty map {};
  * the values.schema.json node at that path (followed through `properties` /
    `additionalProperties` only, no $ref resolution) has additionalProperties that is a
    schema or true, or has patternProperties;
  * the (unquoted) dotted path matches an fnmatch pattern in charts/<chart>/open_maps.txt.
Requires Python 3 and PyYAML.
"""
import fnmatch
import json
import os
import re
import sys

import yaml

# The built-in infrastructure types' definitions; each one's chart key list
# (named under `helm.keys`) lives beside it.
TYPES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spec", "types")
# The platform components' charts: their lists live here.
COMPONENT_CHARTS = ["traefik", "metallb"]


def type_charts(types_dir):
    """The charts of the built-in types, read from their definitions."""
    charts = []
    for name in sorted(os.listdir(types_dir)):
        if name.endswith(".yaml"):
            with open(os.path.join(types_dir, name)) as fh:
                helm = (yaml.safe_load(fh) or {}).get("helm") or {}
            if helm.get("chart"):
                charts.append(helm["chart"]["name"])
    return charts


def schema_child(node, key):
    """Same as values_check.schema_child: (sub-schema, parent map is open)."""
    if not isinstance(node, dict):
        return None, False
    props = node.get("properties", {})
    if key in props:
        return props[key], False
    ap = node.get("additionalProperties")
    if isinstance(ap, dict):
        return ap, True
    if ap is True or node.get("patternProperties"):
        return None, True
    return None, False


def schema_open(node):
    if not isinstance(node, dict):
        return False
    ap = node.get("additionalProperties")
    return isinstance(ap, dict) or ap is True or bool(node.get("patternProperties"))


def seg(key):
    k = str(key)
    return '"%s"' % k if "." in k else k


def walk(node, schema, raw, quoted, open_maps, out):
    for k, v in node.items():
        r = raw + [str(k)]
        q = quoted + [seg(k)]
        qp = ".".join(q)
        out.add(qp)
        if isinstance(v, dict):
            sub, _ = schema_child(schema, k)
            rp = ".".join(r)
            if (not v or schema_open(sub)
                    or any(fnmatch.fnmatchcase(rp, p) for p in open_maps)):
                out.add(qp + ".*")
            walk(v, sub, r, q, open_maps, out)


def source_line(sources, chart):
    """The SOURCES.md bullet describing data/charts/<chart>/ (values.yaml)."""
    for line in sources.splitlines():
        m = re.match(r"- data/charts/(\S+?): (\S+) @ ([0-9a-f]{40})(.*)", line)
        if not m:
            continue
        spec = m.group(1)
        names = re.findall(r"[\w-]+", spec.split("/")[0])  # "traefik" or "{redis,mysql}"
        if chart in names:
            rest = m.group(4)
            pm = re.search(r"path (\S+)", rest)
            path = (pm.group(1) if pm else "").replace("<chart>", chart)
            return m.group(2), m.group(3), path
    raise SystemExit("no SOURCES.md entry for chart %s" % chart)


def gen(data_dir, out_dir, chart, sources, cdir=None, source=None):
    cdir = cdir or os.path.join(data_dir, "charts", chart)
    with open(os.path.join(cdir, "Chart.yaml")) as fh:
        meta = yaml.safe_load(fh)
    with open(os.path.join(cdir, "values.yaml")) as fh:
        defaults = yaml.safe_load(fh) or {}
    spath = os.path.join(cdir, "values.schema.json")
    schema = None
    if os.path.exists(spath):
        with open(spath) as fh:
            schema = json.load(fh)
    open_maps = []
    om = os.path.join(cdir, "open_maps.txt")
    if os.path.exists(om):
        with open(om) as fh:
            open_maps = [l.split("#")[0].strip() for l in fh if l.split("#")[0].strip()]
    keys = set()
    walk(defaults, schema or {}, [], [], open_maps, keys)
    repo, commit, path = source or source_line(sources, chart)
    version = meta["version"]
    header = [
        "# %s chart %s default values: key paths (maps descended, lists are leaves)" % (chart, version),
        "# source: https://github.com/%s @ %s path %svalues.yaml" % (repo, commit, path),
        "# chart version: %s (appVersion %s)%s" % (
            version, meta.get("appVersion"), "" if schema else "; no values.schema.json"),
        "# '<path>.*' = free-form map (empty default map, schema additionalProperties, open_maps.txt);"
        " segments containing '.' are double-quoted",
        "# generated by crates/render/charts/gen_keys.py from the pinned chart data; do not edit",
    ]
    fname = os.path.join(out_dir, "%s-%s.keys" % (chart, version))
    with open(fname, "w") as fh:
        fh.write("\n".join(header + sorted(keys)) + "\n")
    return fname, len(keys)


def extra_source(cdir):
    """(repo, ref, path) from DIR/SOURCE: 'OWNER/REPO @ REF path PATH/'."""
    with open(os.path.join(cdir, "SOURCE")) as fh:
        line = fh.readline().strip()
    m = re.match(r"(\S+) @ (.+?) path (\S+)$", line)
    if not m:
        raise SystemExit("%s/SOURCE: expected 'OWNER/REPO @ REF path PATH/'" % cdir)
    return m.group(1), m.group(2), m.group(3)


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    extra, rest = [], []
    i = 0
    while i < len(argv):
        if argv[i] == "--chart":
            if len(argv) - i < 3:
                raise SystemExit("--chart needs NAME DIR")
            extra.append((argv[i + 1], argv[i + 2]))
            i += 3
        else:
            rest.append(argv[i])
            i += 1
    argv = rest
    data_dir = argv[0] if argv else os.path.join(here, "..", "..", "..", "..", "shared", "validate", "data")
    out_dir = argv[1] if len(argv) > 1 else None
    types_dir = out_dir or TYPES_DIR
    out_dir = out_dir or here
    sources = ""
    if not extra or os.path.exists(os.path.join(data_dir, "SOURCES.md")):
        with open(os.path.join(data_dir, "SOURCES.md")) as fh:
            sources = fh.read()
        type_chart_names = type_charts(TYPES_DIR)
        for chart in type_chart_names + COMPONENT_CHARTS:
            fname, n = gen(data_dir, types_dir if chart in type_chart_names else out_dir, chart, sources)
            print("%s: %d lines" % (os.path.basename(fname), n))
    for chart, cdir in extra:
        fname, n = gen(data_dir, out_dir, chart, sources, cdir=cdir, source=extra_source(cdir))
        print("%s: %d lines" % (os.path.basename(fname), n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
