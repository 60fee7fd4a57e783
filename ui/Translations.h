// Installs the console's translation (and Qt's own) for the user's language, from the .qm files built
// into the ui library (:/i18n) and Qt's translations directory.
#pragma once

class QCoreApplication;

void installConsoleTranslations(QCoreApplication &app);
