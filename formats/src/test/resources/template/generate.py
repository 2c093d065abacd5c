#!/usr/bin/env python3
"""Differential fixtures for safeload's Jinja parser: jinja2's own lexer and parser read each tricky
input; the canonical tree (or ERROR) is written to parser-differential.txt, which
TemplateParserDifferentialTest compares with safeload's parse of the same input.

Run: python3 generate.py  (jinja2 3.1.x; the version is recorded in the output header)

Format: a header line, then per case two lines: the input in base64, then the canonical tree.
Canonical trees: (kind args...) with strings as JSON literals (ASCII, \\u escapes); text is omitted
(whitespace control changes text, not structure); floats are rendered as (float).
"""
import base64
import json

import jinja2
from jinja2 import nodes

ENV = jinja2.Environment(extensions=["jinja2.ext.loopcontrols"], trim_blocks=True, lstrip_blocks=True)

CASES = [
    # brackets and strings balance the closer
    "{{ x['}}'] }}",
    "{{ {'a': {'b': 1}} }}",
    "{{ {'a': {}}.b }}",
    "{{ [{'a': 1}][0] }}",
    "{{ (1 }} ) }}",
    "{{ x[']'] }}{{ y }}",
    "{% if {'a': 1}['a'] %}x{% endif %}",
    "{% set x = {'%}': 1} %}",
    "{{ '%}' ~ \"}}\" }}",
    # comments end at the first #}
    "{# {# #} #}",
    "{# %} }} #}{{ x }}",
    "{#- x -#}{{ y }}",
    # whitespace control markers on every tag kind
    "{{- x -}}{%- if y -%}{%+ if z +%}a{% endif %}{% endif %}",
    "{{-1}}",
    "{{+1}}",
    "{{ x -}}{{ x- }}",
    "{{ x-}}",
    # precedence
    "{{ 1 + 2 ~ 3 }}",
    "{{ -1|abs }}",
    "{{ -x.y|f }}",
    "{{ not a and b or c }}",
    "{{ a if b else c if d else e }}",
    "{{ a if b }}",
    "{{ a + b * c - d / e // f % g }}",
    "{{ a ** b ** c }}",
    "{{ a < b <= c == d != e > f >= g }}",
    "{{ a in b }}{{ a not in b }}{{ not a in b }}",
    "{{ a ~ b ~ c + d }}",
    "{{ x|f(1, k=2)|g }}",
    "{{ x|f.g }}",
    "{{ x is defined }}{{ x is not none }}{{ x is divisibleby 3 }}{{ x is sameas none }}",
    "{{ x is string and y }}",
    "{{ x is eq(1) }}",
    "{{ x is defined is defined }}",
    "{{ x(1)(2) }}{{ x|f(1)(2) }}",
    # postfix
    "{{ x.0 }}{{ x.0.1 }}{{ x.a[0].b(c) }}",
    "{{ x[1:2] }}{{ x[::2] }}{{ x[:] }}{{ x[1:] }}{{ x[:-1] }}{{ x[a, b] }}{{ x[1:2, 3] }}",
    "{{ x[] }}",
    "{{ f(a, b=1) }}{{ f(*a) }}{{ f(**k) }}{{ f(a, *b, c=1, **d) }}{{ f(a,) }}",
    "{{ f(a=1, b) }}",
    # literals
    "{{ 'a' 'b' \"c\" }}",
    "{{ 'it\\'s' ~ \"say \\\"hi\\\"\" }}",
    "{{ '\\x5f\\u005f\\U0000005f\\137' }}",
    "{{ '\\q\\n\\t\\\\' }}",
    "{{ 0b101 }}{{ 0o17 }}{{ 0x1F }}{{ 1_000 }}{{ 0 }}{{ 00 }}",
    "{{ 012 }}",
    "{{ 1.5 }}{{ 1e3 }}{{ 1.5e-3 }}",
    "{{ 1__0 }}",
    "{{ [] }}{{ [1,] }}{{ () }}{{ (1,) }}{{ (1) }}{{ {} }}{{ {1: 2,} }}{{ 1, 2 }}",
    "{{ true }}{{ True }}{{ false }}{{ none }}{{ None }}{{ TRUE }}",
    # statements
    "{% for a, b in c if a recursive %}{{ loop.index }}{% else %}e{% endfor %}",
    "{% for (a, b) in c %}{% endfor %}",
    "{% for a in b, c %}{% endfor %}",
    "{% for x in y %}{% break %}{% continue %}{% endfor %}",
    "{% if a %}1{% elif b %}2{% elif c %}3{% else %}4{% endif %}",
    "{% if a, b %}{% endif %}",
    "{% if a %}{% else %}{% elif b %}{% endif %}",
    "{% set a = 1 %}{% set a, b = 1, 2 %}{% set ns.a = 1 %}{% set a = b if c %}",
    "{% set x | upper | trim %}a{% endset %}{% set y %}b{% endset %}",
    "{% set a, ns.b = 1, 2 %}",
    "{% set true = 1 %}",
    "{% macro m(a, b=1, c=[]) %}{{ a }}{% endmacro %}{{ m(1) }}",
    "{% macro m(a=1, b) %}{% endmacro %}",
    "{% filter upper %}x{% endfilter %}",
    "{% if x %}:{% endif %}{% if x: %}{% endif %}",
    "{% for x in y: %}{% endfor %}",
    "{{ a; b }}",
    "{{ }}",
    "{% %}",
    "{% endif %}",
    "{{ x",
    "{{ 'x }}",
    "{# x",
    "a { b } {x} {{ '{' }}",
]


def canon(n):
    if n is None:
        return "null"
    if isinstance(n, list):
        return "[" + " ".join(canon(x) for x in n) + "]"
    if isinstance(n, nodes.Template):
        return canon_body(n.body)
    if isinstance(n, nodes.Name):
        return "(name %s)" % js(n.name)
    if isinstance(n, nodes.NSRef):
        return "(nsref %s %s)" % (js(n.name), js(n.attr))
    if isinstance(n, nodes.Const):
        v = n.value
        if isinstance(v, bool):
            return "(bool %s)" % ("true" if v else "false")
        if v is None:
            return "(none)"
        if isinstance(v, int):
            return "(int %d)" % v
        if isinstance(v, float):
            return "(float)"
        return "(str %s)" % js(v)
    if isinstance(n, nodes.List):
        return "(list %s)" % canon(n.items)
    if isinstance(n, nodes.Tuple):
        return "(tuple %s)" % canon(n.items)
    if isinstance(n, nodes.Dict):
        return "(dict [%s])" % " ".join("%s %s" % (canon(p.key), canon(p.value)) for p in n.items)
    if isinstance(n, nodes.CondExpr):
        return "(cond %s %s %s)" % (canon(n.test), canon(n.expr1), canon(n.expr2))
    if isinstance(n, nodes.BinExpr):
        return "(bin %s %s %s)" % (js(n.operator), canon(n.left), canon(n.right))
    if isinstance(n, nodes.Concat):
        return "(concat %s)" % canon(n.nodes)
    if isinstance(n, nodes.Not):
        return "(not %s)" % canon(n.node)
    if isinstance(n, nodes.Neg):
        return "(neg %s)" % canon(n.node)
    if isinstance(n, nodes.Pos):
        return "(pos %s)" % canon(n.node)
    if isinstance(n, nodes.Compare):
        return "(compare %s [%s])" % (canon(n.expr), " ".join("%s %s" % (js(o.op), canon(o.expr)) for o in n.ops))
    if isinstance(n, nodes.Getattr):
        return "(getattr %s %s)" % (canon(n.node), js(n.attr))
    if isinstance(n, nodes.Getitem):
        return "(getitem %s %s)" % (canon(n.node), canon(n.arg))
    if isinstance(n, nodes.Slice):
        return "(slice %s %s %s)" % (canon(n.start), canon(n.stop), canon(n.step))
    if isinstance(n, (nodes.Call, nodes.Filter, nodes.Test)):
        kind = {nodes.Call: "call", nodes.Filter: "filter", nodes.Test: "test"}[type(n)]
        head = canon(n.node) if kind == "call" else "%s %s" % (canon(n.node), js(n.name))
        kw = "[" + " ".join("%s %s" % (js(k.key), canon(k.value)) for k in n.kwargs) + "]"
        return "(%s %s %s %s %s %s)" % (kind, head, canon(n.args), kw, canon(n.dyn_args), canon(n.dyn_kwargs))
    raise TypeError(type(n).__name__)


def canon_body(body):
    out = []
    for s in body:
        if isinstance(s, nodes.Output):
            for x in s.nodes:
                if not isinstance(x, nodes.TemplateData):
                    out.append("(out %s)" % canon(x))
        elif isinstance(s, nodes.If):
            arms = [("%s %s" % (canon(s.test), canon_body(s.body)))]
            arms += ["%s %s" % (canon(e.test), canon_body(e.body)) for e in s.elif_]
            out.append("(if [%s] %s)" % (" ".join(arms), canon_body(s.else_)))
        elif isinstance(s, nodes.For):
            out.append("(for %s %s %s %s %s %s)" % (canon(s.target), canon(s.iter), canon(s.test),
                                                   "true" if s.recursive else "false", canon_body(s.body),
                                                   canon_body(s.else_)))
        elif isinstance(s, nodes.Assign):
            out.append("(set %s %s)" % (canon(s.target), canon(s.node)))
        elif isinstance(s, nodes.AssignBlock):
            out.append("(setblock %s %s %s)" % (canon(s.target), canon(s.filter), canon_body(s.body)))
        elif isinstance(s, nodes.Macro):
            args = "[" + " ".join(js(a.name) for a in s.args) + "]"
            out.append("(macro %s %s %s %s)" % (js(s.name), args, canon(s.defaults), canon_body(s.body)))
        elif isinstance(s, nodes.FilterBlock):
            out.append("(filterblock %s %s)" % (canon(s.filter), canon_body(s.body)))
        elif isinstance(s, nodes.Break):
            out.append("(break)")
        elif isinstance(s, nodes.Continue):
            out.append("(continue)")
        else:
            raise TypeError(type(s).__name__)
    return "[" + " ".join(out) + "]"


def js(s):
    return json.dumps(s, ensure_ascii=True)


def main():
    with open("parser-differential.txt", "w", encoding="ascii") as f:
        f.write("# jinja2 %s: input (base64), then jinja2's canonical tree or ERROR\n" % jinja2.__version__)
        for c in CASES:
            try:
                tree = canon(ENV.parse(c))
            except jinja2.TemplateSyntaxError:
                tree = "ERROR"
            f.write(base64.b64encode(c.encode("utf-8")).decode("ascii") + "\n" + tree + "\n")


if __name__ == "__main__":
    main()
