"""The ``seeds`` dynamic partitions: one partition per seed, keyed by the seed's ``id``.

Partitions are added by the ``ideas_seed_sensor`` (when enabled) or by ``samplegen seeds add``.
"""

from dagster import DynamicPartitionsDefinition

SEEDS_PARTITIONS_NAME = "seeds"
seeds_partitions = DynamicPartitionsDefinition(name=SEEDS_PARTITIONS_NAME)
