"""Settings and their Key Adults: find a setting, see it whole, keep its contacts right."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from encompass.admin.blueprint import bp, council_scope, key_adult_or_404, setting_or_404
from encompass.admin.forms import (
    KEY_ADULT_LANGUAGES,
    MESSAGE_LANGUAGES,
    ImportForm,
    KeyAdultForm,
    MessageLanguageForm,
    RemoveForm,
    SchoolDayForm,
    SearchForm,
    TrainingForm,
    VerifyForm,
)
from encompass.admin.queries import find_settings, setting_overview
from encompass.auth.access import role_required
from encompass.auth.users import locked, set_active, sign_out_everywhere
from encompass.db import utcnow
from encompass.models import User
from encompass.onboarding import phone_verification
from encompass.onboarding.invitations import InvitationPolicy, invite
from encompass.onboarding.key_adults import (
    SETTING_ROLES,
    KeyAdultError,
    add_key_adult,
    record_training,
    remove_key_adult,
    training_expired,
)
from encompass.onboarding.new_setting import SETTING_KINDS
from encompass.policies import policies
from encompass.records import audit
from encompass.web.forms import add_error
from encompass.web.frontend import phone

COORDINATORS = ("admin", "coordinator")


@bp.get("/settings")
@role_required(*COORDINATORS)
def settings() -> Any:
    search = SearchForm(request.args)
    found, total = find_settings(g.db, council_scope(), search.q.data or "")
    return render_template(
        "admin/settings.html",
        settings=found,
        total=total,
        search=search,
        kinds=SETTING_KINDS,
        import_form=ImportForm(),
    )


def message_language_of(setting: Any) -> str:
    """The setting's message language, or what applies while it has not said: bilingual
    (Welsh first) in Wales, English elsewhere."""
    if setting.message_language in MESSAGE_LANGUAGES:
        return str(setting.message_language)
    return "bilingual" if setting.nation == "wales" else "en"


def _setting_page(
    found: Any,
    school_day_form: SchoolDayForm,
    status: int = 200,
    language_form: MessageLanguageForm | None = None,
) -> Any:
    now = utcnow()
    language_form = language_form or MessageLanguageForm(
        message_language=message_language_of(found)
    )
    overview = setting_overview(g.db, found, now.date())
    lockout = policies().sign_in.lockout
    # `form` (the page's errors) only when the school-day form came back wrong.
    errors = {}
    if status != 200:
        errors = {"form": language_form if language_form.errors else school_day_form}
    return render_template(
        "admin/setting.html",
        overview=overview,
        today=now.date(),
        roles=SETTING_ROLES,
        kinds=SETTING_KINDS,
        language_names=KEY_ADULT_LANGUAGES,
        training_expired=training_expired,
        school_day_form=school_day_form,
        language_form=language_form,
        message_language=MESSAGE_LANGUAGES[message_language_of(found)],
        message_language_chosen=found.message_language in MESSAGE_LANGUAGES,
        remove_form=RemoveForm(),
        default_start=policies().school_day_start,
        locked={
            adult_id
            for adult_id, user in overview.users.items()
            if locked(g.db, user, now=now, limit=lockout)
        },
        **errors,
    ), status


@bp.get("/settings/<int:setting_id>")
@role_required(*COORDINATORS)
def setting(setting_id: int) -> Any:
    found = setting_or_404(setting_id)
    return _setting_page(found, SchoolDayForm(school_day_start=found.school_day_start or ""))


@bp.post("/settings/<int:setting_id>/school-day")
@role_required(*COORDINATORS)
def school_day(setting_id: int) -> Any:
    found = setting_or_404(setting_id)
    form = SchoolDayForm()
    if not form.validate_on_submit():
        return _setting_page(found, form, 400)
    found.school_day_start = form.school_day_start.data or None
    found.updated_at = utcnow()
    g.db.add(found)
    audit.record(
        g.db,
        "setting.school_day_start",
        user_id=current_user.id,
        object_type="setting",
        object_id=found.id,
        detail=found.school_day_start or "default",
    )
    flash(_("Start of the school day saved"))
    return redirect(url_for("admin.setting", setting_id=found.id))


@bp.post("/settings/<int:setting_id>/message-language")
@role_required(*COORDINATORS)
def message_language(setting_id: int) -> Any:
    """The language of messages to the setting's Key Adults who have not chosen one."""
    found = setting_or_404(setting_id)
    form = MessageLanguageForm()
    if not form.validate_on_submit():
        return _setting_page(
            found, SchoolDayForm(school_day_start=found.school_day_start or ""), 400, form
        )
    found.message_language = form.message_language.data
    found.updated_at = utcnow()
    g.db.add(found)
    audit.record(
        g.db,
        "setting.message_language",
        user_id=current_user.id,
        object_type="setting",
        object_id=found.id,
        detail=found.message_language,
    )
    flash(
        _(
            "Messages to this setting's Key Adults: %(language)s",
            language=MESSAGE_LANGUAGES[found.message_language or "en"],
        )
    )
    return redirect(url_for("admin.setting", setting_id=found.id))


@bp.route("/settings/<int:setting_id>/key-adults/new", methods=["GET", "POST"])
@role_required(*COORDINATORS)
def key_adult_new(setting_id: int) -> Any:
    found = setting_or_404(setting_id)
    form = KeyAdultForm()
    if form.validate_on_submit():
        try:
            adult = add_key_adult(
                g.db,
                found,
                role=form.role.data or "",
                name=form.name.data or "",
                email=form.email.data or "",
                phone=form.phone.data or "",
                now=utcnow(),
                user_id=current_user.id,
                language=form.language.data or None,
            )
        except KeyAdultError as exc:
            g.db.rollback()
            add_error(getattr(form, exc.field), str(exc))
        else:
            invited = invite(g.db, adult, _invitations(), now=utcnow(), sent_by=current_user.id)
            role = _(SETTING_ROLES[adult.role])
            if invited:
                flash(
                    _(
                        "%(name)s added as %(role)s: an invitation to set a password is on its way",
                        name=adult.name,
                        role=role,
                    )
                )
            else:
                flash(_("%(name)s added as %(role)s", name=adult.name, role=role))
            return redirect(url_for("admin.setting", setting_id=found.id))
    status = 400 if form.errors else 200
    return render_template("admin/key_adult_new.html", setting=found, form=form), status


@bp.post("/key-adults/<int:adult_id>/remove")
@role_required(*COORDINATORS)
def key_adult_remove(adult_id: int) -> Any:
    adult, found = key_adult_or_404(adult_id)
    if RemoveForm().validate_on_submit():
        remove_key_adult(g.db, adult, now=utcnow(), user_id=current_user.id)
        flash(_("%(name)s removed: they will not be alerted", name=adult.name))
    return redirect(url_for("admin.setting", setting_id=found.id))


def _invitations() -> InvitationPolicy:
    return policies().invitations


@bp.post("/key-adults/<int:adult_id>/invite")
@role_required(*COORDINATORS)
def key_adult_invite(adult_id: int) -> Any:
    """Send the invitation again (a new link; earlier ones stop working)."""
    adult, found = key_adult_or_404(adult_id)
    if RemoveForm().validate_on_submit():
        if invite(g.db, adult, _invitations(), now=utcnow(), sent_by=current_user.id, again=True):
            flash(_("A new invitation is on its way to %(email)s", email=adult.email))
        else:
            flash(
                _(
                    "%(name)s already has a password, or their account is deactivated",
                    name=adult.name,
                )
            )
    return redirect(url_for("admin.setting", setting_id=found.id))


@bp.post("/key-adults/<int:adult_id>/deactivate")
@role_required(*COORDINATORS)
def key_adult_deactivate(adult_id: int) -> Any:
    """Stop the Key Adult's account signing in; every session it has open ends at once."""
    adult, found = key_adult_or_404(adult_id)
    if RemoveForm().validate_on_submit():
        user = g.db.get(User, adult.user_id) if adult.user_id else None
        # A Key Adult's own account only: never an administrator's or a coordinator's.
        if user is not None and user.role == "dsl":
            set_active(g.db, user, active=False, now=utcnow())
            flash(
                _(
                    "%(name)s's account is deactivated: they are signed out everywhere",
                    name=adult.name,
                )
            )
    return redirect(url_for("admin.setting", setting_id=found.id))


@bp.post("/key-adults/<int:adult_id>/sign-out")
@role_required(*COORDINATORS)
def key_adult_sign_out(adult_id: int) -> Any:
    """End every session the Key Adult's account has open (a lost phone, a shared PC)."""
    adult, found = key_adult_or_404(adult_id)
    if RemoveForm().validate_on_submit():
        user = g.db.get(User, adult.user_id) if adult.user_id else None
        if user is not None and user.role == "dsl":
            ended = sign_out_everywhere(g.db, user, now=utcnow())
            flash(
                _(
                    "%(name)s is signed out everywhere (%(ended)d sessions ended)",
                    name=adult.name,
                    ended=ended,
                )
            )
    return redirect(url_for("admin.setting", setting_id=found.id))


def _verify_page(adult: Any, found: Any, form: VerifyForm, status: int = 200) -> Any:
    last = phone_verification.latest(g.db, adult.id)
    return render_template(
        "admin/verify_phone.html",
        adult=adult,
        setting=found,
        form=form,
        send_form=RemoveForm(),
        code_sent=last is not None and last.verified_at is None,
        sent_at=last.created_at if last else None,
    ), status


@bp.get("/key-adults/<int:adult_id>/verify")
@role_required(*COORDINATORS)
def key_adult_verify(adult_id: int) -> Any:
    adult, found = key_adult_or_404(adult_id)
    return _verify_page(adult, found, VerifyForm())


@bp.post("/key-adults/<int:adult_id>/verify/send")
@role_required(*COORDINATORS)
def key_adult_send_code(adult_id: int) -> Any:
    adult, found = key_adult_or_404(adult_id)
    try:
        phone_verification.send_code(
            g.db,
            adult,
            secret=policies().access.secret_key,
            now=utcnow(),
            user_id=current_user.id,
        )
    except phone_verification.VerificationError as exc:
        g.db.rollback()
        flash(str(exc), "important")
    else:
        flash(_("Code sent by text message to %(phone)s", phone=phone(adult.phone)))
    return redirect(url_for("admin.key_adult_verify", adult_id=adult.id))


@bp.post("/key-adults/<int:adult_id>/verify")
@role_required(*COORDINATORS)
def key_adult_check_code(adult_id: int) -> Any:
    adult, found = key_adult_or_404(adult_id)
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            phone_verification.check_code(
                g.db,
                adult,
                form.code.data or "",
                secret=policies().access.secret_key,
                now=utcnow(),
                user_id=current_user.id,
            )
        except phone_verification.VerificationError as exc:
            # The failed try is kept: it counts towards the limit.
            add_error(form.code, str(exc))
        else:
            flash(_("%(name)s's mobile number is verified", name=adult.name))
            return redirect(url_for("admin.setting", setting_id=found.id))
    return _verify_page(adult, found, form, 400)


@bp.route("/key-adults/<int:adult_id>/training", methods=["GET", "POST"])
@role_required(*COORDINATORS)
def key_adult_training(adult_id: int) -> Any:
    adult, found = key_adult_or_404(adult_id)
    form = TrainingForm(
        data={"completed_on": adult.training_completed_on, "expires_on": adult.training_expires_on}
    )
    if form.validate_on_submit():
        assert form.completed_on.data is not None
        try:
            record_training(
                g.db,
                adult,
                completed_on=form.completed_on.data,
                expires_on=form.expires_on.data,
                today=utcnow().date(),
                user_id=current_user.id,
            )
        except KeyAdultError as exc:
            g.db.rollback()
            add_error(getattr(form, exc.field), str(exc))
        else:
            flash(_("Training recorded for %(name)s", name=adult.name))
            return redirect(url_for("admin.setting", setting_id=found.id))
    status = 400 if form.errors else 200
    return render_template("admin/training.html", adult=adult, setting=found, form=form), status


@bp.route("/settings/new", methods=["GET", "POST"])
@role_required(*COORDINATORS)
def setting_new() -> Any:
    """Add one setting by hand: an early years provider Ofsted registered, for example."""
    from encompass.admin.forms import NewSettingForm
    from encompass.onboarding.new_setting import SettingError, add_setting

    form = NewSettingForm()
    if form.validate_on_submit():
        scope = council_scope()
        try:
            setting, new = add_setting(
                g.db,
                urn=form.urn.data or "",
                name=form.name.data or "",
                la_code=scope if scope is not None else (form.la_code.data or ""),
                kind=form.kind.data or "",
                postcode=form.postcode.data or "",
                scope=scope,
            )
        except SettingError as exc:
            g.db.rollback()
            add_error(getattr(form, exc.field), str(exc))
        else:
            audit.record(
                g.db,
                "setting.added" if new else "setting.updated",
                user_id=current_user.id,
                object_type="setting",
                object_id=setting.id,
                detail=f"{setting.urn} {setting.kind}",
            )
            if new:
                flash(_("%(name)s added", name=setting.name))
            else:
                flash(_("%(name)s updated", name=setting.name))
            assert setting.id is not None
            return redirect(url_for("admin.setting", setting_id=setting.id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/setting_new.html", form=form), status
