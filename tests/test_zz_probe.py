from tests.test_ui import *  # noqa
from PySide6.QtCore import QCoreApplication
def show(page, tag):
    print(tag, [(n, getattr(page, n).isVisible(), getattr(page, n).isHidden()) for n in ("users_box", "users", "user_message")])
def test_probe(qtbot, desk, tmp_path):
    services, translations = desk
    admin = sign_in(services, "admin")
    window = MainWindow(services, admin, translations, tmp_path / "ui-state.ini")
    qtbot.addWidget(window)
    show(window.settings_page, "constructed")
    QCoreApplication.processEvents()
    show(window.settings_page, "processed")
    window.show()
    show(window.settings_page, "shown")
    qtbot.waitExposed(window)
    show(window.settings_page, "exposed")
    window.go("settings")
    show(window.settings_page, "go")
    QCoreApplication.processEvents()
    show(window.settings_page, "go+processed")
    assert 0
