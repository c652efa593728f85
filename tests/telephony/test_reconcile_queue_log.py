"""``manage.py reconcile_queue_log``: call records against Asterisk's own queue_log."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from telephony.models import Call, CallOffer
from telephony.queue_log import parse_queue_log

# Written by a real Asterisk 20.20.1 (start.sh's ACD), plus a transfer and a timeout.
QUEUE_LOG = """\
1796625990|NONE|NONE|NONE|QUEUESTART|
1796625992|1796625991.4|115|NONE|ENTERQUEUE||+4930123456|1
1796625992|1796625991.5|115|NONE|ENTERQUEUE||+4930123457|2
1796625992|1796625991.3|115|NONE|ENTERQUEUE||+4930123458|3
1796625992|1796625991.4|115|Petra Schulz|RINGCANCELED|499
1796625992|1796625991.4|115|NONE|ABANDON|1|1|0
1796625994|1796625991.5|115|Deniz Yilmaz|RINGNOANSWER|2000
1796625994|1796625991.5|115|NONE|EXITWITHTIMEOUT|1|2|2
1796625996|1796625991.3|115|Jan Kowalski|CONNECT|4|1796625995.10|1
1796625999|1796625991.3|115|Jan Kowalski|COMPLETEAGENT|4|3|3
1796626000|1796625999.7|115|NONE|ENTERQUEUE||+4930123459|1
1796626002|1796625999.7|115|Petra Schulz|CONNECT|2|1796626001.9|1
1796626010|1796625999.7|115|Petra Schulz|BLINDTRANSFER|2000|from-internal|2|8|1
1796626011|1796626010.1|115|NONE|ENTERQUEUE||+4930123460|1
"""


def _at(stamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(stamp, dt.UTC)


def _call(uniqueid: str, joined: float, **fields: object) -> Call:
    return Call.objects.create(
        system_id="pbx", uniqueid=uniqueid, queue="115", joined_at=_at(joined), **fields
    )


@pytest.fixture
def queue_log(tmp_path: Path) -> Path:
    path = tmp_path / "queue_log"
    path.write_text(QUEUE_LOG)
    return path


@pytest.fixture
def records(db: None) -> None:
    _call("1796625991.4", 1796625992.2, outcome="abandoned", ended_by="caller", wait_seconds=0)
    _call("1796625991.5", 1796625992.3, outcome="timeout", wait_seconds=2)
    answered = _call(
        "1796625991.3",
        1796625992.1,
        outcome="answered",
        ended_by="agent",
        wait_seconds=4,
        talk_seconds=3,
        agent_interface="Local/2103@agents/n",
    )
    CallOffer.objects.create(
        call=answered,
        agent_uniqueid="1796625995.10",
        interface="Local/2103@agents/n",
        member_name="Jan Kowalski",
        offered_at=_at(1796625995),
        result="answered",
    )
    _call(
        "1796625999.7",
        1796626000.4,
        outcome="transferred",
        ended_by="transfer",
        wait_seconds=2,
        talk_seconds=8,
        agent_interface="Jan Kowalski",
    )


def _reconcile(path: Path, *args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("reconcile_queue_log", str(path), "--system", "pbx", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_the_parser_reads_each_calls_outcome_ender_agent_and_times() -> None:
    calls = parse_queue_log(QUEUE_LOG.splitlines())
    assert list(calls) == [
        "1796625991.4", "1796625991.5", "1796625991.3", "1796625999.7", "1796626010.1"
    ]  # fmt: skip
    summary = {
        callid: (c.outcome, c.ended_by, c.agent, c.wait_seconds, c.talk_seconds, c.finished)
        for callid, c in calls.items()
    }
    assert summary == {
        "1796625991.4": ("abandoned", "caller", None, 0, None, True),
        "1796625991.5": ("timeout", None, None, 2, None, True),
        "1796625991.3": ("answered", "agent", "Jan Kowalski", 4, 3, True),
        "1796625999.7": ("transferred", "transfer", "Petra Schulz", 2, 8, True),
        "1796626010.1": (None, None, None, None, None, False),
    }
    assert calls["1796625991.5"].ring_no_answers == 1


def test_agreeing_records_exit_zero(queue_log: Path, records: None) -> None:
    Call.objects.filter(uniqueid="1796625999.7").update(agent_interface="Petra Schulz")
    code, out = _reconcile(queue_log)
    assert code == 0, out
    assert "4 calls compared, 0 differences" in out


def test_differences_are_printed_and_exit_one(queue_log: Path, records: None) -> None:
    Call.objects.filter(uniqueid="1796625991.3").update(talk_seconds=5, ended_by="caller")
    Call.objects.filter(uniqueid="1796625991.5").delete()
    _call("1796626020.1", 1796626005, outcome="abandoned")
    code, out = _reconcile(queue_log)
    assert code == 1
    assert "1796625991.3: ended_by queue_log='agent' record='caller'" in out
    assert "1796625991.3: talk queue_log=3 record=5" in out
    assert "1796625991.5: in queue_log (timeout), no call record" in out
    assert "1796625999.7: agent queue_log='Petra Schulz' record='Jan Kowalski'" in out
    assert "1796626020.1: call record (abandoned) not in queue_log" in out


def test_a_second_is_within_the_tolerance(queue_log: Path, records: None) -> None:
    Call.objects.filter(uniqueid="1796625999.7").update(
        agent_interface="Petra Schulz", talk_seconds=9
    )
    assert _reconcile(queue_log)[0] == 0
    assert _reconcile(queue_log, "--tolerance", "0")[0] == 1


def test_the_date_limits_the_period(queue_log: Path, records: None) -> None:
    code, out = _reconcile(queue_log, "--date", "2020-01-01")
    assert code == 0 and "0 calls compared" in out
