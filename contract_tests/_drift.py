"""The drift report: what differs from the spec, per recording and per operation."""

from __future__ import annotations

import collections
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from contract_tests._recordings import Finding


@dataclass
class Subject:
    """One thing checked against the spec: a recording file, or a live operation."""

    name: str
    operation: str
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None

    @property
    def drifted(self) -> bool:
        return bool(self.findings)


@dataclass
class DriftReport:
    """Every subject checked, with what differs from the spec."""

    title: str
    subjects: list[Subject]
    operations: Sequence[str]  # every operation of the spec, for coverage

    @property
    def drifted(self) -> bool:
        return any(s.drifted for s in self.subjects)

    @property
    def uncovered(self) -> list[str]:
        """The spec's operations that no checked subject exercised."""
        covered = {s.operation for s in self.subjects if s.skipped is None}
        return [operation for operation in self.operations if operation not in covered]

    @property
    def coverage(self) -> str:
        """Operations covered, of all: `1/9`."""
        total = len(self.operations)
        return f"{total - len(self.uncovered)}/{total}"

    def verdict(self) -> str:
        """The last line: drift or not, and over how much of the spec."""
        if self.drifted:
            return "DRIFT: the API and the spec disagree"
        uncovered = self.uncovered
        if not uncovered:
            return f"No drift in {self.coverage} operations: every operation covered."
        return (
            f"No drift in {self.coverage} operations; {len(uncovered)} not covered: "
            + ", ".join(uncovered)
        )

    def render(self) -> str:
        checked = [s for s in self.subjects if s.skipped is None]
        lines = [
            self.title,
            f"{len(checked)} checked, {sum(s.drifted for s in checked)} with drift",
        ]
        for subject in self.subjects:
            if subject.skipped is not None:
                lines.append(
                    f"  - {subject.name} ({subject.operation}): skipped, {subject.skipped}"
                )
                continue
            mark = "DRIFT" if subject.drifted else "ok"
            lines.append(f"  {mark:5} {subject.name} ({subject.operation})")
            lines += [f"        {f.violation}" for f in subject.findings]
        lines.append("Per operation:")
        by_operation: dict[str, list[Subject]] = collections.defaultdict(list)
        for subject in checked:
            by_operation[subject.operation].append(subject)
        for operation in self.operations:
            subjects = by_operation.get(operation, [])
            if not subjects:
                lines.append(f"  {operation}: not covered")
                continue
            kinds = collections.Counter(f.violation.kind for s in subjects for f in s.findings)
            summary = ", ".join(f"{kind} x{n}" for kind, n in sorted(kinds.items())) or "no drift"
            lines.append(f"  {operation}: {len(subjects)} checked, {summary}")
        lines.append(self.verdict())
        return "\n".join(lines)

    def write_junit(self, path: Path, suite: str) -> None:
        """A JUnit XML file (one test case per subject) where CI dashboards read it."""
        failures = sum(s.drifted for s in self.subjects)
        skipped = sum(s.skipped is not None for s in self.subjects)
        root = ET.Element(
            "testsuite",
            name=suite,
            tests=str(len(self.subjects)),
            failures=str(failures),
            skipped=str(skipped),
            errors="0",
        )
        for subject in self.subjects:
            case = ET.SubElement(
                root, "testcase", classname=f"{suite}.{subject.operation}", name=subject.name
            )
            if subject.skipped is not None:
                ET.SubElement(case, "skipped", message=subject.skipped)
            elif subject.drifted:
                text = "\n".join(str(f.violation) for f in subject.findings)
                failure = ET.SubElement(
                    case, "failure", message=f"{len(subject.findings)} difference(s) from the spec"
                )
                failure.text = text
        properties = ET.Element("properties")
        ET.SubElement(properties, "property", name="coverage", value=self.coverage)
        ET.SubElement(properties, "property", name="uncovered", value=",".join(self.uncovered))
        root.insert(0, properties)
        path.parent.mkdir(parents=True, exist_ok=True)
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
