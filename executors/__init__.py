"""Tool executors: plain Python classes that run a tool inside the caller's env.

``EXECUTORS`` maps a tool record's ``kind`` to the executor that runs it.
"""

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

EXECUTORS = {
    executor.kind: executor
    for executor in (
        ListModelsExecutor(),
        DescribeModelExecutor(),
        SearchRecordsExecutor(),
        ReadRecordsExecutor(),
        CountRecordsExecutor(),
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
