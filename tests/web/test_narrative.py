"""The consultant's narrative: written on the report page, kept as text, shown and versioned."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db.models import Assessment
from app.domain.narrative import MAX_CHARACTERS
from tests.factories import csrf_from, sign_in
from tests.reports.test_pdf import pdf_text

HOSTILE = "Fix the foundations first.\n\n- <script>alert('x')</script> & more\n- Second point"


def save(client: TestClient, assessment_id: int, **texts: str):
    page = client.get(f"/assessments/{assessment_id}/report")
    base = page.context["page"].base
    data = {"base": base, "csrf_token": csrf_from(page.text), **texts}
    return client.post(f"/assessments/{assessment_id}/narrative", data=data, follow_redirects=False)


def test_the_narrative_is_saved_and_shown_as_text_on_the_results_page(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    response = save(client, own.assessment.id, narrative="Where\r\nwe stand.", key_messages=HOSTILE)
    assert response.status_code == 303, response.text
    assert (
        "Narrative saved: the report and the deck" in client.get(response.headers["location"]).text
    )
    session.refresh(own.assessment)
    assert own.assessment.narrative == "Where\nwe stand."
    results = client.get(f"/assessments/{own.assessment.id}/results").text
    assert "<p>Where we stand.</p>" in results
    assert "<li>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more</li>" in results
    assert "<script>alert" not in results


def test_too_long_text_is_refused_naming_the_field_and_keeps_what_was_typed(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    typed = "y" * (MAX_CHARACTERS + 1)
    response = save(client, own.assessment.id, narrative="kept in the form", recommendations=typed)
    assert response.status_code == 422
    assert f"recommendations: {MAX_CHARACTERS + 1} characters; use at most" in response.text
    assert "kept in the form" in response.text and typed in response.text
    session.refresh(own.assessment)
    assert own.assessment.narrative == "" and own.assessment.recommendations == ""


def test_an_edit_made_meanwhile_is_not_overwritten_silently(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    page = client.get(f"/assessments/{own.assessment.id}/report")
    stale = {"base": page.context["page"].base, "csrf_token": csrf_from(page.text)}
    assert save(client, own.assessment.id, narrative="First consultant's").status_code == 303
    response = client.post(
        f"/assessments/{own.assessment.id}/narrative",
        data={**stale, "narrative": "Second consultant's"},
    )
    assert response.status_code == 422
    assert "someone else saved these texts while you were editing" in response.text
    assert "Second consultant&#39;s" in response.text  # still in the form, to save again
    assert 'class="form narrative-form"' in response.text and " data-unsaved>" in response.text
    assert " data-unsaved>" not in page.text  # report.js lets downloads wait only for this
    session.refresh(own.assessment)
    assert own.assessment.narrative == "First consultant's"


def test_viewers_read_the_narrative_but_cannot_change_it(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    save(client, own.assessment.id, recommendations="- Appoint an owner")
    client.cookies.clear()
    sign_in(client, own.viewer.email)
    page = client.get(f"/assessments/{own.assessment.id}/report")
    assert "<li>Appoint an owner</li>" in page.text and "<textarea" not in page.text
    assert save(client, own.assessment.id, narrative="viewer's").status_code == 403


def test_the_report_is_drawn_again_with_the_new_narrative(
    client: TestClient, session: Session, tenants, tmp_path: Path
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    url = f"/assessments/{own.assessment.id}/report.pdf"
    before = pdf_text(client.get(url).content, tmp_path)
    save(client, own.assessment.id, key_messages=HOSTILE, recommendations="Start now.")
    after = pdf_text(client.get(url).content, tmp_path)
    assert "Key messages" not in before
    assert "Key messages" in after and "<script>alert('x')</script> & more" in after
    assert "Recommendations Start now." in after
    assert session.get(Assessment, own.assessment.id) is not None
