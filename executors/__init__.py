"""Tool executors: plain Python classes that run a tool inside the caller's env.

``EXECUTORS`` maps a tool record's ``kind`` to the executor that runs it.
"""

from .aggregate import AggregateRecordsExecutor
from .base import (
    InputRequired,
    InteractionContext,
    MissingClientCapability,
    ToolError,
    ToolExecutor,
    ToolResult,
)
from .generic_read import (
    CountRecordsExecutor,
    DescribeModelExecutor,
    ListModelsExecutor,
    ReadRecordsExecutor,
    SearchRecordsExecutor,
)
from .method import ModelMethodExecutor
from .server_action import ServerActionExecutor
from .write import CreateRecordExecutor, DeleteRecordsExecutor, UpdateRecordsExecutor

EXECUTORS = {
    executor.kind: executor
    for executor in (
        ListModelsExecutor(),
        DescribeModelExecutor(),
        SearchRecordsExecutor(),
        ReadRecordsExecutor(),
        CountRecordsExecutor(),
        AggregateRecordsExecutor(),
        CreateRecordExecutor(),
        UpdateRecordsExecutor(),
        DeleteRecordsExecutor(),
        ModelMethodExecutor(),
        ServerActionExecutor(),
    )
}

__all__ = [
    "EXECUTORS",
    "InputRequired",
    "InteractionContext",
    "MissingClientCapability",
    "ToolError",
    "ToolExecutor",
    "ToolResult",
]
