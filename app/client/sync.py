"""`bulk-import-users --sync`: stage the list in a sync operation, print its plan, then
(unless --dry-run) run it, watch it and print what it did."""

from dataclasses import dataclass, field

import click

from app.client.importer import Importer, Refused
from app.contract import sync

MAX_REFUSED_SHOWN = 100  # refused entries printed; the plan (import.plan) holds them all


@dataclass
class SyncOutcome:
    """What a sync planned, and did."""

    read: int = 0
    plan: dict = field(default_factory=dict)  # the plan's first page and counts
    refused: list = field(default_factory=list)  # the plan's refused entries
    progress: dict | None = None  # what the run did; None when it did not run
    state: str | None = None

    @property
    def complete(self):
        """Tell whether the run did every change it planned, and the plan refused none."""
        return self.state == "done" and not (self.progress or {}).get("failed")


class Syncer(Importer):
    """Syncs the server's users to a Source through a RocketChat client."""

    def __init__(self, client, progress, *, options, dry_run, **settings):
        super().__init__(client, progress, **settings)
        self.options, self.dry_run = options, dry_run

    def run(self, source, scanned):
        """Stage the list, print the plan, and run it unless dry; return the SyncOutcome."""
        outcome = SyncOutcome(read=scanned[0])
        if not outcome.read:
            raise Refused("the file holds no users: an empty list syncs nothing (nothing was sent)")
        if scanned[1]:
            raise Refused(
                f"{len(scanned[1])} records of the list have problems: a sync needs"
                " the whole list (see --dry-run without --sync); nothing was sent"
            )
        self._require_no_running_import()
        operation = self.client.import_new({"mode": sync.MODE, **self.options})
        self._stage(source, outcome.read, [])
        outcome.plan = self.client.import_plan()["plan"]
        outcome.refused = self._refused()
        show_plan(outcome.plan, outcome.refused)
        if self.dry_run:
            self.client.import_cancel()  # nothing staged is left waiting for a run
            return outcome
        self.client.import_run()
        writes = sum(outcome.plan["counts"][a] for a in sync.WRITING_ACTIONS)
        status = self._watch(operation["_id"], writes, total=writes)
        outcome.state = status["state"]
        outcome.progress = self.client.import_plan(action=sync.REFUSED)["progress"]
        return outcome

    def _refused(self):
        page = self.client.import_plan(action=sync.REFUSED)["plan"]
        return page["entries"][:MAX_REFUSED_SHOWN]


def show_plan(plan, refused):
    """Print the plan's counts, each refused entry with its reason, and any over-limit."""
    click.echo(sync.plan_summary(plan["counts"]))
    for entry in refused:
        who = entry.get("username") or ", ".join(entry.get("importIds") or []) or entry["userId"]
        click.echo(f"  refused {who}: {entry.get('reason')}")
    if plan.get("overLimit"):
        click.echo(f"Refused: {plan['overLimit']}")


def report(outcome):
    """Print what the run did: created, updated, deactivated, reactivated, unchanged, failed."""
    if outcome.progress is None:
        click.echo("Dry run: nothing was changed.")
        return
    click.echo(sync.run_report(outcome.progress))
    if outcome.state != "done":
        click.echo(f"The sync ended in state {outcome.state!r}.")
