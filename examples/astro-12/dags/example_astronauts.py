"""
## Astronaut ETL example DAG

Queries the list of astronauts currently in space from the Open Notify API and prints each
astronaut's name and craft, one mapped task per astronaut.
"""
import requests
from pendulum import datetime

from airflow import Dataset
from airflow.decorators import dag, task


@dag(
    start_date=datetime(2024, 1, 1),
    schedule="@daily",
    catchup=False,
    doc_md=__doc__,
    default_args={"owner": "Astro", "retries": 3},
    tags=["example"],
)
def example_astronauts():
    @task(outlets=[Dataset("current_astronauts")])
    def get_astronauts(**context) -> list[dict]:
        r = requests.get("http://api.open-notify.org/astros.json", timeout=30)
        r.raise_for_status()
        people = r.json()["people"]
        context["ti"].xcom_push(key="number_of_people_in_space", value=len(people))
        return people

    @task
    def print_astronaut_craft(greeting: str, person_in_space: dict) -> None:
        print(f"{person_in_space['name']} is currently in space flying on the {person_in_space['craft']}! {greeting}")

    print_astronaut_craft.partial(greeting="Hello! :)").expand(person_in_space=get_astronauts())


example_astronauts()
