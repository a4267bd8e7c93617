/** A small DAG that is valid on Airflow 2.x and breaks on 3.x (line 2: a module removed in 3.0, AF101). */
export const BASH_OPERATOR_DAG = [
  'from airflow import DAG',
  'from airflow.operators.bash_operator import BashOperator',
  '',
  'with DAG("etl", schedule=None) as dag:',
  '    BashOperator(task_id="hello", bash_command="echo hi")',
  '',
].join('\n');
