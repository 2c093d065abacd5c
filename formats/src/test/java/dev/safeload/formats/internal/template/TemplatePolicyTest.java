package dev.safeload.formats.internal.template;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.safeload.ReasonCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The escape catalogue (research note templates.md §3 and §5.1) and the cases, each refused
 * with its exact code; and benign shapes real templates use, accepted.
 */
class TemplatePolicyTest {

  static ReasonCode rejection(String template) {
    return assertThrows(TemplateRejection.class, () -> ChatTemplates.check(template), template)
        .reason();
  }

  @ParameterizedTest
  @MethodSource("dev.safeload.formats.internal.template.TemplateEscapes#escapes")
  void refused(String template, ReasonCode expected) {
    assertEquals(expected, rejection(template), template);
  }

  /** Shapes real templates use (and the parser traps of §5.2 that Jinja accepts). */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{{ x['}}'] }}",
        "{{ {'a': {'b': 1}} }}",
        "{# {# #} #}",
        "{# %} }} {% raw %} #}",
        "{{- messages -}}{%- if true -%}{%+ if 1 +%}{% endif %}{% endif %}",
        "{{ \"it's\" ~ 'a\\'b' ~ \"\\n\\t\" }}",
        "{{ -1|abs }}{{ 1 + 2 ~ 3 }}{{ x.0 }}{{ 1 is divisibleby 3 }}{{ 'a' if c }}",
        "{% for attr in tools %}{{ attr.name }}{% endfor %}",
        "{{ 'Hello {}! {0} {{literal}}'.format(bos_token, 1) }}",
        "{%- set ns = namespace(found=false, idx=0) -%}{%- for m in messages -%}{%- set ns.idx = ns.idx + 1 -%}"
            + "{{ messages[ns.idx - 1].content }}{%- endfor -%}",
        "{% for m in messages %}{% if not loop.first %}{{ messages[loop.index0 - 1]['role'] }}{% endif %}{% endfor %}",
        "{% for i in range(messages|length) %}{{ messages[i].content.strip() }}{% endfor %}",
        "{% set basic = {'string': 'str', 'number': 'float'} %}{% for p in tools %}{{ basic[p.type] }}{% endfor %}",
        "{% set nd = x if x is defined else {} %}{% for t in tools %}{{ (nd[t.name] if t.name in nd else '')|tojson }}"
            + "{% endfor %}",
        "{% set ns = namespace(k='') %}{% for m in messages %}{% set ns.k = m.role %}{% endfor %}{{ d[ns.k] }}",
        "{% macro render(x, indent=2) %}{{ x|tojson(indent=indent) }}{% endmacro %}{{ render(tools) }}",
        "{% for k, v in tools[0].items() %}{{ k }}={{ v|string }}{% endfor %}",
        "{{ messages|selectattr('role', 'equalto', 'user')|map(attribute='content')|list|length }}",
        "{{ raise_exception('bad') if messages|length == 0 }}{{ strftime_now('%Y-%m-%d') }}",
        "{% generation %}{{ x }}{% endgeneration %}{% filter upper %}x{% endfilter %}",
        "{% set x %}{{ bos_token }}{% endset %}{% set y | trim %} a {% endset %}{{ x ~ y }}",
        "{% for m in messages if m.role != 'system' %}{% if loop.last %}{% break %}{% endif %}{% continue %}"
            + "{% else %}none{% endfor %}",
        "{% set _ = tools.append(1) %}{{ tools.pop(0) }}",
        "{{ messages[1:] }}{{ messages[::-1] }}{{ messages[-1] }}{{ (1, 2)[0] }}{{ d[1, 2] }}",
        "{% if raise_exception is defined %}{% endif %}",
        "{{ tool.function.parameters.items }}{{ schema.title }}",
        "{% for p in tc.arguments %}{{ p + '=\"' }}{{ \"%s\" | format(tc.arguments[p]) }}{% endfor %}",
        "{{ '%s: %d%% (%r, %i)' % (a, 1, b, 2) }}",
        "{% set ns = namespace(index=0) %}{% for m in messages %}{% if ns.index % 2 == 0 and loop.index0 % 2 %}{% endif %}"
            + "{% set ns.index = ns.index + 1 %}{% endfor %}",
        "{% for m in msgs | rejectattr('role', 'equalto', 'tool') | selectattr('tool_calls', 'undefined') %}"
            + "{{ m.tool_calls | map('tojson') | join(', ') }}{{ m.get('name') }}{% endfor %}",
        "{% macro extra(json_dict, handled) %}{% for json_key in json_dict if json_key not in handled %}"
            + "{% if json_dict[json_key] is mapping %}{{ '<' ~ json_key ~ '>' ~ (json_dict[json_key] | tojson | safe) }}"
            + "{% else %}{{ json_dict[json_key] | string }}{% endif %}{% endfor %}{% endmacro %}"
            + "{% for tool in tools %}{% set handled = ['name', 'type'] %}{{ extra(tool.parameters, handled) }}{% endfor %}",
        "{% for m in messages %}{% if loop.previtem and loop.previtem.role != 'tool' %}{{ prompt }}{% endif %}{% endfor %}",
        // MiroThinker-style: data mutation through set, mixed namespace/data names, index
        // arithmetic
        "{% macro fname(tool) %}{{ tool.function.name }}{% endmacro %}{% set sm = namespace(role='system', content='') %}"
            + "{% if messages[0].role == 'system' %}{% set sm = messages[0] %}{% endif %}{% set sm.content = 'x' %}"
            + "{% for tool in tools %}{% if fname(tool).split('_sandbox') | length > 1 %}{% set tool.mt_visited = 1 %}"
            + "{% endif %}{% endfor %}{% set messages = [sm] + messages %}{% for fm in messages %}"
            + "{% set index = (messages|length - 1) - loop.index0 %}{% set message = messages[index] %}"
            + "{% set c = message.content if message.content is not none else '' %}{{ c[:5] }}{{ c[(c|length) - 3:] }}"
            + "{% endfor %}{% set f = namespace(name='fake', arguments='{}') %}{% set f = namespace(function=f) %}",
        "{% if x is none %}{% set _root = messages %}{% else %}{% set _root = x %}{% endif %}{{ _root|length }}"
            + "{% if y %}{% set i = 1 %}{% elif z %}{% set i = 2 %}{% else %}{% set i = 0 %}{% endif %}{% set m = messages[i] %}",
        "{% set sub = {'type': 'string', 'enum': schema.enum, 'format': schema.get('format'), 'items': schema['items']} %}"
            + "{{ sub|tojson }}",
        "{% set d = dict(role='user', content=m) %}{{ d|tojson }}{{ x.partition(':')[2] }}"
            + "{{ tools|sum(attribute='n', start=0) }}{{ messages[x.find('a')] }}",
        // GigaChat-style walks: item lookups guarded by key membership in a mapping
        "{% macro walk(root, ref) %}{% set ns_p = namespace(n=root) %}{% for seg in ref.split('/') %}"
            + "{% if ns_p.n is mapping and seg in ns_p.n %}{% set ns_p.n = ns_p.n[seg] %}"
            + "{% elif ns_p.n is sequence and seg == (seg|int|string) %}{% set ns_p.n = ns_p.n[seg|int] %}"
            + "{% else %}{% set ns_p.n = none %}{% endif %}{% endfor %}{{ ns_p.n|tojson }}{% endmacro %}{{ walk(tools, x) }}",
        "{% macro align(json_obj, schema) %}{% set key_set = json_obj.keys() if json_obj is mapping else [] %}"
            + "{% for key, ps in schema.properties.items() %}{% if key in key_set %}{% set item = json_obj[key] %}"
            + "{{ align(item, ps) }}{% endif %}{% endfor %}{% endmacro %}{{ align(tools[0], tools[1]) }}",
        "{{ d[k].x if k in d and d is mapping }}{% if k in d.keys() %}{{ d[k].y }}{% endif %}",
        "{% set m = {'Monday': 'Mo'} %}{% set d = m[strftime_now('%A')] %}{{ d.x }}",
        "{% set context = {'has_head': true} %}{% set _ = context.update({'has_head': false}) %}{{ context.has_head }}",
        // constants Jinja folds while compiling, of modest size; repetition by render-time values
        "{{ '=' * 80 }}{{ '-' * (80 - 2) }}{{ ['x'] * 3 }}{{ 3 * 'ab' }}{{ 2147483647 * 2147483647 }}",
        "{{ [{'type': 'object', 'properties': {'a': {'type': 'string'}}}]|tojson(indent=4) }}"
            + "{{ 'a\nb'|indent(8, first=true) }}{{ 'abc'.replace('b', 'xyz') }}{{ ['a', 'b']|join(', ') }}",
        "{% set n = x|default(64, true)|int %}{{ '<IMG>' * n }}{{ tools|tojson(indent=2) }}",
      })
  void accepted(String template) {
    assertDoesNotThrow(() -> ChatTemplates.check(template), template);
  }
}
