"""ProfileEditor: create or edit a connection profile, with inline validation and a test.

Validation runs the pydantic models on every edit; an error is shown under its field once
that field was edited, or for every field when OK is pressed (a new, untouched dialog shows
no error), and OK closes the dialog only when the profile is valid. Test connection runs
the probe through the window's task registry, never blocking, and shows the seconds so far.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..core.connection import ConnectionSettings
from ..core.errors import NeoSenseError
from ..core.profiles import Profile
from .error_text import ErrorView
from .seconds_box import SecondsSpinBox

if TYPE_CHECKING:  # core.probe imports the driver, which loads after the first paint
    from ..core.probe import ProbeResult
    from .tasks import TaskRegistry

ProbeFn = Callable[[ConnectionSettings, str], Awaitable["ProbeResult"]]

# White on red reads on light and dark palettes alike; margins, not CSS padding, so that the
# word-wrapped label's height-for-width includes them.
ERROR_STYLE = "color: white; background: #c62828;"


class ProfileEditor(QDialog):
    """Attributes:
    field_errors: the current message per field ("name", "uri", "user", "database",
        "connection_timeout_s", "tls"), for the UI and tests.
    """

    def __init__(
        self,
        parent: QWidget | None,
        tasks: TaskRegistry,
        probe: ProbeFn,
        *,
        profile: Profile | None = None,
        keyring_available: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("profile-editor")
        self.setWindowTitle("Edit connection" if profile else "New connection")
        self.tasks = tasks
        self._probe = probe
        self._original = profile
        self.field_errors: dict[str, str] = {}
        # Fields the user has edited; with _save_tried, which errors are shown.
        self._touched: set[str] = set()
        self._save_tried = False
        self.last_probe: ProbeResult | None = None
        self.last_probe_error: NeoSenseError | None = None
        self.errors: dict[str, QLabel] = {}  # the message under each field, by field

        self._build_fields(keyring_available)
        self._build_tls_fields()
        form = self._build_form()
        tls = self._build_tls_group()
        self._build_test()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        self._lay_out(form, tls)
        self._fill(profile)
        self._follow_edits()
        self.validate()
        self.resize(560, self.sizeHint().height())

    # -- construction ----------------------------------------------------------------
    def _build_fields(self, keyring_available: bool) -> None:
        """The connection's fields, and whether the password can go to the keyring."""
        self.name = QLineEdit(self)
        self.uri = QLineEdit(self)
        self.uri.setPlaceholderText("neo4j://localhost:7687")
        self.user = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_password = QCheckBox("&Remember the password in the OS keyring", self)
        self.save_password.setChecked(keyring_available)
        self.save_password.setEnabled(keyring_available)
        self.keyring_note = QLabel(self)
        self.keyring_note.setTextFormat(Qt.TextFormat.PlainText)
        self.keyring_note.setWordWrap(True)
        # Its full height always: the dialog grows rather than clip the note.
        self.keyring_note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        if not keyring_available:
            self.keyring_note.setText(
                "No OS keyring is available: the password is kept in memory for this "
                "session only and never written to disk."
            )
        self.keyring_note.setVisible(not keyring_available)
        self.database = QLineEdit(self)
        self.database.setPlaceholderText("(server default)")
        self.timeout = SecondsSpinBox(self, decimals=1)
        self.timeout.setRange(0.5, 600)
        self.timeout.setValue(10.0)

    def _build_tls_fields(self) -> None:
        """Encryption, the certificates trusted, and the CA files when custom."""
        self.encrypted = QCheckBox("&Encrypt (TLS) with a plain neo4j:// or bolt:// URI", self)
        self.trust = QComboBox(self)
        self.trust.addItem("System CAs", "system")
        self.trust.addItem("Trust all certificates (self-signed)", "all")
        self.trust.addItem("Custom CA files", "custom")
        self.ca_paths = QLineEdit(self)
        self.ca_paths.setPlaceholderText("CA files, separated by ;")
        self.ca_browse = QPushButton("&Browse…", self)
        self.ca_browse.clicked.connect(self._browse_ca)

    def _build_form(self) -> QFormLayout:
        """Each field over its error message, then the keyring's check box and note."""
        form = QFormLayout()
        for key, title, widget in (
            ("name", "&Name:", self.name),
            ("uri", "&URI:", self.uri),
            ("user", "U&ser:", self.user),
            ("password", "&Password:", self.password),
            ("database", "&Database:", self.database),
            ("connection_timeout_s", "Connection &timeout:", self.timeout),
        ):
            # The message gets its own row: QFormLayout sizes word-wrapped rows correctly.
            form.addRow(title, widget)
            form.addRow("", self._error_label(key))
        form.addRow("", self.save_password)
        form.addRow("", self.keyring_note)
        return form

    def _build_tls_group(self) -> QGroupBox:
        """The TLS fields in their group, with their error message and a note."""
        tls = QGroupBox("TLS", self)
        tls_form = QFormLayout(tls)
        tls_form.addRow(self.encrypted)
        tls_form.addRow("Tr&ust:", self.trust)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_paths, 1)
        ca_row.addWidget(self.ca_browse)
        ca_label = QLabel("CA &files:", tls)
        ca_label.setBuddy(self.ca_paths)
        tls_form.addRow(ca_label, ca_row)
        tls_error = self._message_label()
        self.errors["tls"] = tls_error
        tls_form.addRow(tls_error)
        tls_note = QLabel(
            "neo4j+s:// and bolt+s:// verify the certificate; +ssc accepts a self-signed one.",
            tls,
        )
        tls_note.setWordWrap(True)
        tls_form.addRow(tls_note)
        return tls

    def _build_test(self) -> None:
        """Test connection and its result, with the seconds so far while it runs."""
        self.test_button = QPushButton("&Test connection", self)
        self.test_button.clicked.connect(self.start_test)
        self.test_view = ErrorView(self)
        self.test_result = self.test_view.message
        self.test_result.setObjectName("editor-test-result")
        self._test_started = 0.0
        self._test_timer = QTimer(self)
        self._test_timer.setInterval(100)
        self._test_timer.timeout.connect(self._tick_test)

    def _lay_out(self, form: QFormLayout, tls: QGroupBox) -> None:
        """The fields, TLS, Test connection with its result, then OK and Cancel."""
        layout = QVBoxLayout(self)
        # Grow when error messages appear instead of squeezing them.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(form)
        layout.addWidget(tls)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_view, 1)
        layout.addLayout(test_row)
        layout.addWidget(self.buttons)

    def _fill(self, profile: Profile | None) -> None:
        """The fields from the profile edited, or a new connection's defaults."""
        if profile is not None:
            c = profile.connection
            self.name.setText(profile.name)
            self.uri.setText(c.uri)
            self.user.setText(c.user)
            self.database.setText(c.database)
            self.timeout.setValue(c.connection_timeout_s)
            self.encrypted.setChecked(c.encrypted)
            self.trust.setCurrentIndex(max(0, self.trust.findData(c.trust)))
            self.ca_paths.setText(";".join(c.ca_cert_paths))
        else:
            self.uri.setText("neo4j://localhost:7687")
            self.user.setText("neo4j")

    def _follow_edits(self) -> None:
        """Validate on every edit, marking the field edited (its errors show from then)."""
        for key, edit in (
            ("name", self.name),
            ("uri", self.uri),
            ("user", self.user),
            ("database", self.database),
            ("tls", self.ca_paths),
        ):
            edit.textChanged.connect(lambda _t, k=key: self._edited(k))
        self.timeout.valueChanged.connect(lambda _v: self._edited("connection_timeout_s"))
        self.encrypted.toggled.connect(lambda _on: self._edited("tls"))
        self.trust.currentIndexChanged.connect(lambda _i: self._edited("tls"))

    def _message_label(self) -> QLabel:
        """A hidden error message: plain text, white on red."""
        error = QLabel(self)
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.setContentsMargins(4, 2, 4, 2)
        error.hide()
        return error

    def _error_label(self, key: str) -> QLabel:
        error = self._message_label()
        error.setObjectName(f"error-{key}")
        self.errors[key] = error
        return error

    def _browse_ca(self) -> None:
        dialog = QFileDialog(self, "CA certificate files")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda files: self.ca_paths.setText(";".join(files)))
        dialog.open()

    # -- values ----------------------------------------------------------------------
    def _connection_data(self) -> dict[str, Any]:
        return {
            "uri": self.uri.text(),
            "user": self.user.text(),
            "database": self.database.text(),
            "connection_timeout_s": self.timeout.value(),
            "encrypted": self.encrypted.isChecked(),
            "trust": self.trust.currentData(),
            "ca_cert_paths": [p.strip() for p in self.ca_paths.text().split(";") if p.strip()],
        }

    def _edited(self, key: str) -> None:
        self._touched.add(key)
        self.validate()

    def accept(self) -> None:
        """OK: show every error, and close only when the profile is valid."""
        self._save_tried = True
        if self.validate():
            super().accept()

    def validate(self) -> bool:
        """Run the pydantic models; show the errors of the edited fields (all of them once
        OK was pressed) under each field. True if valid."""
        errors: dict[str, str] = {}
        try:
            ConnectionSettings.model_validate(self._connection_data())
        except ValidationError as exc:
            for err in exc.errors():
                field = str(err["loc"][0]) if err["loc"] else "tls"
                if field in ("encrypted", "trust", "ca_cert_paths"):
                    field = "tls"
                msg = str(err["msg"]).removeprefix("Value error, ")
                errors.setdefault(field, msg)
        if not self.name.text().strip():
            errors["name"] = "Give the connection a name."
        self.field_errors = errors
        for key, label in self.errors.items():
            shown = self._save_tried or key in self._touched
            msg = errors.get(key, "") if shown else ""
            label.setText(msg)
            label.setVisible(bool(msg))
        tls_on = self.encrypted.isChecked()
        self.trust.setEnabled(tls_on)
        custom = tls_on and self.trust.currentData() == "custom"
        self.ca_paths.setEnabled(custom)
        self.ca_browse.setEnabled(custom)
        ok = not errors
        self.test_button.setEnabled(not any(k != "name" for k in errors))
        return ok

    def settings(self) -> ConnectionSettings:
        return ConnectionSettings.model_validate(self._connection_data())

    def result_profile(self) -> Profile:
        """The edited profile (same id when editing); call only when validate() is True."""
        if self._original is not None:
            return self._original.touched(
                name=self.name.text().strip(),
                connection=self.settings().model_dump(),
                transient=False,
            )
        return Profile(name=self.name.text().strip(), connection=self.settings())

    @property
    def password_text(self) -> str:
        return self.password.text()

    # -- test ------------------------------------------------------------------------
    def _tick_test(self) -> None:
        self.test_view.set_text(f"Testing… {time.monotonic() - self._test_started:.0f} s")

    def start_test(self) -> None:
        self.tasks.start("editor-probe", self.test_connection())

    async def test_connection(self) -> ProbeResult | None:
        if not self.validate() and any(k != "name" for k in self.field_errors):
            return None
        self.test_button.setEnabled(False)
        self._test_started = time.monotonic()
        self._tick_test()
        self._test_timer.start()
        self.last_probe = None
        self.last_probe_error = None
        try:
            result = await self._probe(self.settings(), self.password.text())
        except NeoSenseError as exc:
            self.last_probe_error = exc
            self.test_view.show_error(exc)
            return None
        finally:
            self._test_timer.stop()
            self.test_button.setEnabled(True)
        self.last_probe = result
        self.test_view.set_text(f"✓ {result.summary()}")
        return result
