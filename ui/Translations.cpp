#include "Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

void installConsoleTranslations(QCoreApplication &app)
{
    auto *qt = new QTranslator(&app);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
            QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    // an installed package's files (<prefix>/share/tanvrit-compute/translations) before the built-in copies
    auto *own = new QTranslator(&app);
    const QString installed
        = QCoreApplication::applicationDirPath() + QStringLiteral("/../share/tanvrit-compute/translations");
    if (own->load(QLocale(), QStringLiteral("tanvrit"), QStringLiteral("_"), installed)
        || own->load(QLocale(), QStringLiteral("tanvrit"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(own);
}
