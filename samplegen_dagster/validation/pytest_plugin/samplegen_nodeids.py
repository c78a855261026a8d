"""pytest plugin loaded by samplegen (``-p samplegen_nodeids``): exact node ids in the JUnit XML.

JUnit's ``classname``/``name`` pair loses information (``/`` and ``.`` look alike, class
nesting is flattened), so each test case also carries its real ``nodeid`` as a property:
``tests/test_x.py::TestY::test_z[a b]`` comes back exactly as pytest names it. Collection
errors carry the failing collector's node id the same way.
"""


def pytest_collection_modifyitems(items):
    for item in items:
        item.user_properties.append(("nodeid", item.nodeid))


def pytest_collectreport(report):
    if report.failed and hasattr(report, "user_properties"):
        report.user_properties.append(("nodeid", report.nodeid))
