"""The pipeline's moves reach other modules through registered hooks, in a fixed order, and a
hook's note reaches the timeline's reason."""

import asyncio

from incubator.organizations import pipeline_service, transitions


def test_the_modules_that_react_to_a_move_are_registered_in_order():
    from incubator.center import service as center

    assert transitions.registered("graduate") == [
        center._on_graduate,  # the agreement ends and its desks are free
        pipeline_service._on_graduate,  # then the follow-up visits are planned
    ]
    assert transitions.registered("sign_agreement") == [center._on_sign]
    assert transitions.registered("terminate") == transitions.registered("withdraw")
    assert transitions.registered("admit") == []


def test_a_hook_may_add_a_note_to_the_reason():
    calls = []

    @transitions.on("test_move")
    async def first(moved):
        calls.append(("first", moved.reason))
        return moved.reason + "（一）"

    @transitions.on("test_move")
    async def second(moved):
        calls.append(("second", moved.reason))

    transitions.on("test_move")(first)  # registering twice changes nothing
    moved = transitions.Moved(None, {"id": 1}, "test_move", "entry", "incubation", "原因", None)
    assert asyncio.run(transitions.run(moved)) == "原因（一）"
    assert calls == [("first", "原因"), ("second", "原因（一）")]
