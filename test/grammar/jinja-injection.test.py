# SYNTAX TEST "source.python" "Jinja inside templated Airflow operator arguments"
run = BashOperator(task_id="run", bash_command="echo {{ ds }} {{ params.name | upper }}")
#                                 ^^^^^^^^^^^^ variable.parameter.templated.airflow
#                                              ^ string.quoted.single.python punctuation.definition.string.begin.python
#                                                    ^^ meta.embedded.expression.jinja punctuation.definition.template-expression.begin.jinja
#                                                       ^^ variable.language.context.airflow
#                                                          ^^ punctuation.definition.template-expression.end.jinja
#                                                                ^^^^^^ variable.language.context.airflow
#                                                                       ^^^^ variable.other.property.jinja
#                                                                            ^ keyword.operator.filter.jinja
#                                                                              ^^^^^ support.function.filter.jinja
    task_id="run"
#           ^^^^^ string.quoted.single.python - meta.template.jinja.airflow
env = BashOperator(task_id="e", env={"DAY": "{{ ds_nodash }}"}, cwd="/tmp/{{ run_id }}")
#                                            ^^ meta.template.jinja.airflow meta.embedded.expression.jinja punctuation.definition.template-expression.begin.jinja
#                                               ^^^^^^^^^ variable.language.context.airflow
#                                                                            ^^^^^^ variable.language.context.airflow
q = SQLExecuteQueryOperator(
    task_id="q",
    sql="""
    SELECT * FROM t WHERE day = '{{ ds }}' {# partition #}
#                               ^ string.quoted.multi.python - meta.embedded
#                                   ^^ meta.embedded.expression.jinja variable.language.context.airflow
#                                          ^^ comment.block.jinja punctuation.definition.comment.begin.jinja
#                                             ^^^^^^^^^ comment.block.jinja
    {% if params.full %}AND 1 = 1{% endif %}
#   ^^ meta.embedded.statement.jinja punctuation.definition.template-expression.begin.jinja
#      ^^ keyword.control.jinja
#                     ^^ punctuation.definition.template-expression.end.jinja
#                       ^^^ string.quoted.multi.python - meta.embedded
#                                   ^^^^^ keyword.control.jinja
    """,
#   ^^^ string.quoted.multi.python punctuation.definition.string.end.python
)
# strings outside templated arguments are plain Python strings
label = "{{ ds }}"
#        ^^ string.quoted.single.python - meta.embedded.expression.jinja
# f-strings are left to the Python grammar: {{ is an escaped brace there
cmd = BashOperator(task_id="f", bash_command=f"echo {{ ds }} {name}")
#                                                   ^^ - meta.embedded.expression.jinja
k = BashOperator(task_id='s', bash_command='echo {{ var.value.get("x", 3) }}')
#                                                   ^^^ variable.language.context.airflow
#                                                                 ^^^ string.quoted.double.jinja
#                                                                      ^ constant.numeric.jinja
#                                                                           ^ punctuation.definition.string.end.python
# a top-level assignment to a name like a templated argument is plain Python
env = {"A": "{{ ds }}"}
#            ^^ - meta.embedded.expression.jinja
# <--- - meta.templated-argument.airflow
# the argument after a templated one is Python again
t = BashOperator(bash_command="a", retries=3)
#                                  ^^^^^^^ variable.parameter.function-call.python - meta.templated-argument.airflow
#                                          ^ constant.numeric.dec.python
