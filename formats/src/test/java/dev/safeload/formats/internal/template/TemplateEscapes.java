package dev.safeload.formats.internal.template;

import dev.safeload.formats.FormatReason;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The escape catalogue (research note templates.md §3 and §5.1), the cases and parser
 * traps, each with the exact code the policy refuses it with, for every place a template can live.
 */
public final class TemplateEscapes {
  private TemplateEscapes() {}

  /**
   * Cases shared with the handler tests: every place a template lives refuses them with these
   * codes.
   */
  public static Stream<Arguments> escapes() {
    return Stream.of(
        // issue: `}}` inside brackets does not end the expression (the old check stopped there)
        Arguments.of(
            "{{ {'a': {}}.__class__.__mro__ }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ {'a': {}}|attr('__class__') }}", FormatReason.TEMPLATE_FILTER_NOT_ALLOWED),
        // issue: dunder names built at render time and reached by subscript
        Arguments.of(
            "{% set u = 'x_x'[1]*2 %}{{ namespace[u~'init'~u][u~'globals'~u]['os'].popen('id').read() }}",
            FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of(
            "{% set u = 'x_x'[1]*2 %}{{ messages[u~'class'~u][u~'mro'~u] }}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        // 3.1 dunders, however spelt
        Arguments.of(
            "{{ ''.__class__.__mro__[1].__subclasses__() }}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages['__class__'] }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{{ messages['\\x5f\\x5fclass\\x5f\\x5f'] }}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{{ messages['\\u005f_class__'] }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{{ messages['\\U0000005f_class__'] }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{{ messages['\\137_class__'] }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages['__cla' 'ss__'] }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        // a slice of an allowed name literal is not an allowed name (plain jinja2: <class 'list'>)
        Arguments.of("{{ messages['x__class__'[1:]] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% set k = 'x__class__' %}{{ messages[k[1:]] }}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{{ messages[('x__init__', 'y')[0][1:]] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ 'x'[('x_x')[1:]|string] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ messages['\\N{LOW LINE}_class__'] }}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of(
            "{{ messages.__init__.__globals__ }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{% set ns = namespace(__init__=1) %}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{{ messages|map(attribute='__class__')|list }}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{{ messages|selectattr('__class__')|list }}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{{ messages|sort(attribute='role.__class__') }}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ __builtins__ }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of(
            "{% if c %}{% set _x = 1 %}{% endif %}{{ _x }}",
            FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of(
            "{% if c %}{% set i = 1 %}{% endif %}{% set m = messages[i] %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ ____int3rpr3t3r____ }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        // 3.2 internals without underscores
        Arguments.of(
            "{{ (messages|map('upper')).gi_frame.f_globals.t.sys.modules.os.popen('id') }}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages.mro }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{{ tools[0].class.classLoader }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ tools[0].getClass() }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{{ tools.constructor.prototype }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        // 3.3 gadget globals, callables as values, rebinding
        Arguments.of(
            "{{ lipsum.__globals__['os'].popen('id').read() }}",
            FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ cycler.__init__.__globals__ }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ joiner }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ self }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of(
            "{{ self._TemplateReference__context }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ dict }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ dict.mro() }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ dict(__class__=1) }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{% set dict = 1 %}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of(
            "{% set d = dict(k='mr' ~ 'o') %}{{ messages[d.k] }}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{{ messages|sum(attribute='__class__') }}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ config.items() }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% set f = namespace %}{{ f() }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ range }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of(
            "{% macro m() %}x{% endmacro %}{% set f = m %}",
            FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% set range = messages %}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% set loop = 5 %}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of(
            "{% for namespace in messages %}{% endfor %}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of(
            "{% macro m() %}x{% endmacro %}{% macro m() %}y{% endmacro %}",
            FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ caller() }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ messages.x(1) }}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ evil() }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        // 3.4 computed subscripts: keys the template can choose
        Arguments.of(
            "{% set k = bos_token %}{{ messages[k] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ messages[bos_token] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% for k in ['x', 'y'] %}{{ messages[k ~ ''] }}{% endfor %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% set ns = namespace(k='mr' ~ 'o') %}{{ messages[ns.k] }}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% set d = {'k': 'cla' ~ 'ss'} %}{{ messages[d.k] }}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% macro m(k) %}{{ messages[k] }}{% endmacro %}{{ m('x' ~ 'y') }}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{{ messages[['a', 'b']|join('_')] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{{ messages['xclassx'|replace('x', '_')] }}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ messages['ssalc'|reverse] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% set d = messages[strftime_now('__cl%Aass__')] %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% set x = messages[0].update({'role': 'mr' ~ 'o'}) %}{% for m in messages %}{{ tools[m.role] }}"
                + "{% endfor %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{{ messages['xmrox'.strip('x')] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{{ messages['a.mro'.split('.')[1]] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% set k = 'MRO' %}{{ messages[k|lower] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{{ messages[['MRO']|map('lower')|first] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{{ messages[['cla', 'ss']|join] }}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        // a namespace reached through an alias is updated under another name
        Arguments.of(
            "{% set a = namespace(k=0) %}{% set b = a %}{% set b.k = '__cla' ~ 'ss__' %}"
                + "{{ tools[0][a.k].x }}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% macro m(n) %}{% set n.k = 'mr' ~ 'o' %}{% endmacro %}{% set a = namespace(k=0) %}{{ m(a) }}"
                + "{{ tools[0][a.k].x }}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        // membership guards hold only for mappings and only until the map or key may change
        Arguments.of(
            "{% if k in d %}{{ d[k].x }}{% endif %}", FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% if k in d or d is mapping %}{{ d[k].x }}{% endif %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% if k in d and d is mapping %}{% set k = 'mr' ~ 'o' %}{{ d[k].x }}{% endif %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% if k in d and d is mapping %}{% set _ = d.pop(k) %}{{ d[k].x }}{% endif %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% if k in d and d is mapping %}{{ d.pop(k) ~ d[k].x }}{% endif %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% if k in d and d is mapping %}{% for i in x %}{{ d[k].x }}{% set d = y %}{% endfor %}{% endif %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% set s = d.keys() %}{% set d = e %}{% if k in s %}{{ d[k].x }}{% endif %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% if k in d and d is not mapping %}{{ d[k].x }}{% endif %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% if k in d and d is mapping %}{% else %}{{ d[k].x }}{% endif %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        // a data key is allowed only when the result is a leaf
        Arguments.of(
            "{% for m in messages %}{{ ({tools[m.role]: 1}|first)[m.name] }}{% endfor %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% for m in messages %}{{ tools.append(tools[m.role]) }}{% endfor %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% for m in messages %}{{ ('x'|int(default=tools[m.role]))[m.name] }}{% endfor %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% for m in messages %}{{ (tools|map(attribute='no', default=tools[m.role])|first).x }}"
                + "{% endfor %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% for m in messages %}{{ messages[m.role].content }}{% endfor %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% for m in messages %}{% set x = messages[m.role] %}{% endfor %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of(
            "{% for m in messages %}{{ messages[m.role]() }}{% endfor %}",
            FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        // a template value pushed into data makes data keys untrusted
        Arguments.of(
            "{% set x = messages.append('mr' ~ 'o') %}{% for m in messages %}{{ tools[m] }}{% endfor %}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        // 3.5 format strings
        Arguments.of("{{ '{0.__class__}'.format(messages) }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '{0[0]}'.format(messages) }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ bos_token.format(messages) }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '{x}'.format_map(messages) }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{% set f = ''.format %}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ ''['format'] }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%c'|format(95) }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ bos_token|format(95) }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%(a)s'|format(a=1) }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%(a)s' % messages[0] }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%.999999999d' % 1 }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%c' % 95 }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%999999999s' % 1 }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{% set f = '%999999999s' %}{{ f % 1 }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ messages[0].content % 2 }}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '{}'.format(1, x=2) }}", FormatReason.TEMPLATE_FORMAT_STRING),
        // 3.6 attribute-by-string filters
        Arguments.of("{{ messages|attr('format') }}", FormatReason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of(
            "{{ messages|map('attr', '__class__')|list }}",
            FormatReason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of(
            "{% set a = 'role' %}{{ messages|map(attribute=a)|list }}",
            FormatReason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of(
            "{{ messages|selectattr('role', 'attr')|list }}",
            FormatReason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages|groupby('role') }}", FormatReason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages|sum(attribute=a) }}", FormatReason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages|xmlattr }}", FormatReason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages|a.b }}", FormatReason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages is a.b }}", FormatReason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of(
            "{{ messages is callable_by_name }}", FormatReason.TEMPLATE_FILTER_NOT_ALLOWED),
        // 3.7 laundering callables
        Arguments.of(
            "{% set ns = namespace(strip='{}'.format) %}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{% set ns = namespace(x='{}'.format) %}", FormatReason.TEMPLATE_FORMAT_STRING),
        Arguments.of(
            "{% set ns = namespace(items=messages.items) %}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{% set ns = namespace(split=messages.items) %}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{% set p = messages.pop %}", FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{% set t = {'a': '__cla' ~ 'ss__'} %}{% set d = {'split': t.items} %}"
                + "{{ messages[d.split()|first|last] }}",
            FormatReason.TEMPLATE_COMPUTED_SUBSCRIPT),
        // a bound method stored under an allowed method name and called as that method
        Arguments.of(
            "{% set d = {'count': '__class__'.zfill} %}{{ messages[d.count(1)].x }}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{% set d = {'split': '__class__'.center} %}{{ messages[d.split(1)[0]] }}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of(
            "{% set ns = namespace() %}{% set ns.strip = 1 %}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages.get('x')() }}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{{ messages['get']('x') }}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{{ namespace({'a': 1}) }}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of(
            "{{ raise_exception(*messages) }}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{{ namespace(**messages) }}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        // 3.8 and tags
        Arguments.of("{% include 'x' %}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% import 'x' as y %}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% from 'x' import y %}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% extends 'x' %}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% block b %}{% endblock %}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% call m() %}{% endcall %}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% with a = 1 %}{% endwith %}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% do messages.append(1) %}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% debug %}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% print 1 %}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of(
            "{% autoescape true %}{% endautoescape %}",
            FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of(
            "{% for m in messages recursive %}{{ loop(m.children) }}{% endfor %}",
            FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of(
            "{% for m in messages %}{{ loop.cycle('a', 'b') }}{% endfor %}",
            FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of(
            "{% for m in messages %}{{ loop.changed(m) }}{% endfor %}",
            FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of(
            "{% for m in messages %}{{ loop }}{% endfor %}",
            FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ loop.index }}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of(
            "{% for m in messages %}{{ loop.iterator }}{% endfor %}",
            FormatReason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{% raw %}{{ x }}{% endraw %}", FormatReason.TEMPLATE_SYNTAX),
        // 5.1 #12: DoS shapes and bounds
        Arguments.of("{{ 2 ** 100 }}", FormatReason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{{ 4294967296 }}", FormatReason.TEMPLATE_TOO_COMPLEX),
        // constants Jinja folds while compiling (before any render, sandbox or not): gigabytes
        Arguments.of("{{ 'a' * 2147483647 }}", FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ 300000000 * [0] }}", FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{% set x = ('ab' * 1024) * 1024 %}", FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ ('a' * 3000000)|length }}", FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ 'x\ny'|indent(100000000) }}", FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ [[1]]|tojson(indent=100000000) }}", FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of(
            "{{ 'ab'.replace('', 'b' * 1000).replace('b', 'c' * 1000) }}",
            FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ messages[('x' * 10000000)|length] }}", FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of(
            "{{ ['a' * 600000, 'b' * 600000] }}", FormatReason.TEMPLATE_TOO_COMPLEX), // the sum
        Arguments.of(
            "{{ " + "(".repeat(100) + "1" + ")".repeat(100) + " }}",
            FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ " + "not ".repeat(100) + "1 }}", FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ " + "-".repeat(100) + "1 }}", FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of(
            "{% if 1 %}".repeat(40) + "{% endif %}".repeat(40), FormatReason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ 1" + " + 1".repeat(300) + " }}", FormatReason.TEMPLATE_TOO_COMPLEX),
        // 5.2: non-ASCII names (NFKC aliasing) and syntax Jinja refuses
        Arguments.of("{% set \uff49\uff44\uff58 = 'x' %}", FormatReason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ messages\u3000}}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{{ a; b }}", FormatReason.TEMPLATE_SYNTAX),
        // Jinja reads the word after a trailing comma in a for target as a variable: this binds a
        // variable named `in` to '__class__' (plain jinja2 prints <class 'list'>)
        Arguments.of(
            "{% for a, in in [('a', '__class__'), ('b', 'c')] %}{{ messages[in] }}{% endfor %}",
            FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{% for in in messages %}{{ in }}{% endfor %}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of(
            "{% for x in messages, recursive %}{% endfor %}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{{ (1 }} ) }}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{{ x", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{# x", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{{ 'x }}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{% if x %}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{% endif %}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{% foo %}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{% break %}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{{ '\\ud800' }}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{{ '\\x5' }}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{{ x is defined is defined }}", FormatReason.TEMPLATE_SYNTAX),
        Arguments.of("{% macro m(a=1, b) %}{% endmacro %}", FormatReason.TEMPLATE_SYNTAX));
  }
}
