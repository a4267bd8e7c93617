# Unit test living next to the DAG; .airflowignore keeps it out of the DAG folder scan.
def test_placeholder():
    assert True
