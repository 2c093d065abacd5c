package dev.safeload.formats.internal.template;

import dev.safeload.Reason;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The escape catalogue (research note templates.md §3 and §5.1), the cases and parser traps,
 * each with the exact code the policy refuses it with, for every place a template can live.
 */
public final class TemplateEscapes {
  private TemplateEscapes() {}

  /** Cases shared with the handler tests: every place a template lives refuses them with these codes. */
  public static Stream<Arguments> escapes() {
    return Stream.of(
        // issue: `}}` inside brackets does not end the expression (the old check stopped there)
        Arguments.of("{{ {'a': {}}.__class__.__mro__ }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ {'a': {}}|attr('__class__') }}", Reason.TEMPLATE_FILTER_NOT_ALLOWED),
        // issue: dunder names built at render time and reached by subscript
        Arguments.of("{% set u = 'x_x'[1]*2 %}{{ namespace[u~'init'~u][u~'globals'~u]['os'].popen('id').read() }}",
            Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% set u = 'x_x'[1]*2 %}{{ messages[u~'class'~u][u~'mro'~u] }}",
            Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        // 3.1 dunders, however spelt
        Arguments.of("{{ ''.__class__.__mro__[1].__subclasses__() }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages['__class__'] }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages['\\x5f\\x5fclass\\x5f\\x5f'] }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages['\\u005f_class__'] }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages['\\U0000005f_class__'] }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages['\\137_class__'] }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages['__cla' 'ss__'] }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages['\\N{LOW LINE}_class__'] }}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{{ messages.__init__.__globals__ }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{% set ns = namespace(__init__=1) %}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages|map(attribute='__class__')|list }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages|selectattr('__class__')|list }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages|sort(attribute='role.__class__') }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ __builtins__ }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% if c %}{% set _x = 1 %}{% endif %}{{ _x }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% if c %}{% set i = 1 %}{% endif %}{% set m = messages[i] %}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ ____int3rpr3t3r____ }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        // 3.2 internals without underscores
        Arguments.of("{{ (messages|map('upper')).gi_frame.f_globals.t.sys.modules.os.popen('id') }}",
            Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages.mro }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ tools[0].class.classLoader }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ tools[0].getClass() }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ tools.constructor.prototype }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        // 3.3 gadget globals, callables as values, rebinding
        Arguments.of("{{ lipsum.__globals__['os'].popen('id').read() }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ cycler.__init__.__globals__ }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ joiner }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ self }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ self._TemplateReference__context }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ dict(a=1) }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ config.items() }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% set f = namespace %}{{ f() }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ range }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% macro m() %}x{% endmacro %}{% set f = m %}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% set range = messages %}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% set loop = 5 %}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% for namespace in messages %}{% endfor %}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% macro m() %}x{% endmacro %}{% macro m() %}y{% endmacro %}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ caller() }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ messages.x(1) }}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ evil() }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        // 3.4 computed subscripts: keys the template can choose
        Arguments.of("{% set k = bos_token %}{{ messages[k] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ messages[bos_token] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% for k in ['x', 'y'] %}{{ messages[k ~ ''] }}{% endfor %}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% set ns = namespace(k='mr' ~ 'o') %}{{ messages[ns.k] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% set d = {'k': 'cla' ~ 'ss'} %}{{ messages[d.k] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% macro m(k) %}{{ messages[k] }}{% endmacro %}{{ m('x' ~ 'y') }}",
            Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ messages[['a', 'b']|join('_')] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ messages['xclassx'|replace('x', '_')] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ messages['ssalc'|reverse] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% set d = messages[strftime_now('__cl%Aass__')] %}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% set x = messages[0].update({'role': 'mr' ~ 'o'}) %}{% for m in messages %}{{ tools[m.role] }}"
            + "{% endfor %}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ messages['xmrox'.strip('x')] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ messages['a.mro'.split('.')[1]] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% set k = 'MRO' %}{{ messages[k|lower] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ messages[['MRO']|map('lower')|first] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{{ messages[['cla', 'ss']|join] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        // a namespace reached through an alias is updated under another name
        Arguments.of("{% set a = namespace(k=0) %}{% set b = a %}{% set b.k = '__cla' ~ 'ss__' %}"
            + "{{ tools[0][a.k].x }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% macro m(n) %}{% set n.k = 'mr' ~ 'o' %}{% endmacro %}{% set a = namespace(k=0) %}{{ m(a) }}"
            + "{{ tools[0][a.k].x }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        // a data key is allowed only when the result is a leaf
        Arguments.of("{% for m in messages %}{{ ({tools[m.role]: 1}|first)[m.name] }}{% endfor %}",
            Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% for m in messages %}{{ tools.append(tools[m.role]) }}{% endfor %}",
            Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% for m in messages %}{{ ('x'|int(default=tools[m.role]))[m.name] }}{% endfor %}",
            Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% for m in messages %}{{ (tools|map(attribute='no', default=tools[m.role])|first).x }}"
            + "{% endfor %}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% for m in messages %}{{ messages[m.role].content }}{% endfor %}",
            Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% for m in messages %}{% set x = messages[m.role] %}{% endfor %}",
            Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        Arguments.of("{% for m in messages %}{{ messages[m.role]() }}{% endfor %}",
            Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        // a template value pushed into data makes data keys untrusted
        Arguments.of("{% set x = messages.append('mr' ~ 'o') %}{% for m in messages %}{{ tools[m] }}{% endfor %}",
            Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        // 3.5 format strings
        Arguments.of("{{ '{0.__class__}'.format(messages) }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '{0[0]}'.format(messages) }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ bos_token.format(messages) }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '{x}'.format_map(messages) }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{% set f = ''.format %}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ ''['format'] }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%c'|format(95) }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ bos_token|format(95) }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%(a)s'|format(a=1) }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%(a)s' % messages[0] }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%.999999999d' % 1 }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%c' % 95 }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '%999999999s' % 1 }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{% set f = '%999999999s' %}{{ f % 1 }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ messages[0].content % 2 }}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{{ '{}'.format(1, x=2) }}", Reason.TEMPLATE_FORMAT_STRING),
        // 3.6 attribute-by-string filters
        Arguments.of("{{ messages|attr('format') }}", Reason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages|map('attr', '__class__')|list }}", Reason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{% set a = 'role' %}{{ messages|map(attribute=a)|list }}", Reason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages|selectattr('role', 'attr')|list }}", Reason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages|groupby('role') }}", Reason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages|xmlattr }}", Reason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages|a.b }}", Reason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages is a.b }}", Reason.TEMPLATE_FILTER_NOT_ALLOWED),
        Arguments.of("{{ messages is callable_by_name }}", Reason.TEMPLATE_FILTER_NOT_ALLOWED),
        // 3.7 laundering callables
        Arguments.of("{% set ns = namespace(strip='{}'.format) %}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{% set ns = namespace(x='{}'.format) %}", Reason.TEMPLATE_FORMAT_STRING),
        Arguments.of("{% set ns = namespace(items=messages.items) %}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{% set ns = namespace(split=messages.items) %}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{% set p = messages.pop %}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{% set t = {'a': '__cla' ~ 'ss__'} %}{% set d = {'split': t.items} %}"
            + "{{ messages[d.split()|first|last] }}", Reason.TEMPLATE_COMPUTED_SUBSCRIPT),
        // a bound method stored under an allowed method name and called as that method
        Arguments.of("{% set d = {'count': '__class__'.zfill} %}{{ messages[d.count(1)].x }}",
            Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{% set d = {'split': '__class__'.center} %}{{ messages[d.split(1)[0]] }}",
            Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{% set ns = namespace() %}{% set ns.strip = 1 %}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{{ messages.get('x')() }}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{{ messages['get']('x') }}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{{ namespace({'a': 1}) }}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{{ raise_exception(*messages) }}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{{ namespace(**messages) }}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        // 3.8 and tags
        Arguments.of("{% include 'x' %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% import 'x' as y %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% from 'x' import y %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% extends 'x' %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% block b %}{% endblock %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% call m() %}{% endcall %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% with a = 1 %}{% endwith %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% do messages.append(1) %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% debug %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% print 1 %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% autoescape true %}{% endautoescape %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% for m in messages recursive %}{{ loop(m.children) }}{% endfor %}",
            Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% for m in messages %}{{ loop.cycle('a', 'b') }}{% endfor %}",
            Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% for m in messages %}{{ loop.changed(m) }}{% endfor %}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{% for m in messages %}{{ loop }}{% endfor %}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ loop.index }}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{% for m in messages %}{{ loop.iterator }}{% endfor %}", Reason.TEMPLATE_ATTRIBUTE_NOT_ALLOWED),
        Arguments.of("{% raw %}{{ x }}{% endraw %}", Reason.TEMPLATE_SYNTAX),
        // 5.1 #12: DoS shapes and bounds
        Arguments.of("{{ 2 ** 100 }}", Reason.TEMPLATE_CONSTRUCT_NOT_ALLOWED),
        Arguments.of("{{ 4294967296 }}", Reason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ " + "(".repeat(100) + "1" + ")".repeat(100) + " }}", Reason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ " + "not ".repeat(100) + "1 }}", Reason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ " + "-".repeat(100) + "1 }}", Reason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{% if 1 %}".repeat(40) + "{% endif %}".repeat(40), Reason.TEMPLATE_TOO_COMPLEX),
        Arguments.of("{{ 1" + " + 1".repeat(300) + " }}", Reason.TEMPLATE_TOO_COMPLEX),
        // 5.2: non-ASCII names (NFKC aliasing) and syntax Jinja refuses
        Arguments.of("{% set \uff49\uff44\uff58 = 'x' %}", Reason.TEMPLATE_NAME_NOT_ALLOWED),
        Arguments.of("{{ messages\u3000}}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{{ a; b }}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{{ (1 }} ) }}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{{ x", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{# x", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{{ 'x }}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{% if x %}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{% endif %}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{% foo %}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{% break %}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{{ '\\ud800' }}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{{ '\\x5' }}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{{ x is defined is defined }}", Reason.TEMPLATE_SYNTAX),
        Arguments.of("{% macro m(a=1, b) %}{% endmacro %}", Reason.TEMPLATE_SYNTAX));
  }

}
