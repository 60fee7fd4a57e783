// tanvrit-compute-console: the desktop console. With no settings it starts a control plane and an agent
// for this machine on their own threads and connects to them; it can attach to a remote deployment instead.
#include "ConsoleApp.h"
#include "Logging.h"
#include "MainWindow.h"
#include "ShutdownSignals.h"
#include "SingleInstance.h"
#include "Translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QLocale>

#include <csignal>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {
bool parseListen(const QString &s, QHostAddress *address, quint16 *port)
{
    const int colon = s.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const uint p = s.mid(colon + 1).toUInt(&ok);
    if (colon < 0 || !ok || p > 65535)
        return false;
    const QString host = s.left(colon);
    if (host == QLatin1String("localhost"))
        *address = QHostAddress::LocalHost;
    else if (!address->setAddress(host))
        return false;
    *port = quint16(p);
    return true;
}

// Milliseconds since this process started (the kernel's start time against the clock since boot), so the
// start-up figures include loading the libraries and making the QApplication.
qint64 msSinceProcessStart()
{
    QFile stat(QStringLiteral("/proc/self/stat")), uptime(QStringLiteral("/proc/uptime"));
    if (!stat.open(QIODevice::ReadOnly) || !uptime.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray s = stat.readAll();
    const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
    const double startTicks = fields.value(19).toDouble(); // field 22 of the whole line
    const double up = uptime.readAll().split(' ').value(0).toDouble();
    const long hz = sysconf(_SC_CLK_TCK);
    return hz > 0 ? qMax<qint64>(0, qint64((up - startTicks / double(hz)) * 1000)) : 0;
}
}

int main(int argc, char **argv)
{
    ::umask(077); // the embedded control plane's database, logs and owner key are the user's alone
    // blocked before QApplication starts any thread of its own, so the signalfd below receives them all
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    QApplication app(argc, argv);
    // SIGTERM/SIGINT end the console as closing its window does: the control plane shuts down cleanly
    ShutdownSignals shutdown; // before any thread starts
    QObject::connect(&shutdown, &ShutdownSignals::requested, &app, &QApplication::quit);
    QApplication::setOrganizationName(QStringLiteral("Tanvrit"));
    QApplication::setApplicationName(QStringLiteral("tanvrit-compute-console"));
    QApplication::setApplicationDisplayName(QStringLiteral("Tanvrit Compute"));
    QApplication::setApplicationVersion(QStringLiteral(TANVRIT_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("tanvrit-compute-console"));
    installConsoleTranslations(app);

    QCommandLineParser p;
    p.setApplicationDescription(QApplication::translate("main",
        "The Tanvrit Compute console. With no settings it runs a control plane and an agent for this machine."));
    p.addHelpOption();
    p.addVersionOption();
    p.addOptions({
        {QStringLiteral("data-dir"), QApplication::translate("main", "The embedded control plane's data directory."),
            QStringLiteral("DIR"), EmbeddedOptions::defaultDataDir()},
        {QStringLiteral("listen"),
            QApplication::translate("main", "Where the embedded control plane listens (a free port when taken)."),
            QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:8080")},
        {QStringLiteral("no-agent"), QApplication::translate("main", "Do not run a local agent.")},
        {QStringLiteral("profile"), QApplication::translate("main", "Connect with this profile (see Settings)."),
            QStringLiteral("NAME")},
        {QStringLiteral("log-level"), QApplication::translate("main", "debug, info, warn or error."),
            QStringLiteral("LEVEL"), QStringLiteral("info")},
    });
    p.process(app);
    if (!Logging::install(p.value(QStringLiteral("log-level")))) {
        fprintf(stderr, "tanvrit-compute-console: --log-level must be debug, info, warn or error\n");
        return 64;
    }
    ConsoleOptions options;
    options.msBeforeApp = msSinceProcessStart();
    options.embedded.dataDir = QDir(p.value(QStringLiteral("data-dir"))).absolutePath();
    options.embedded.withAgent = !p.isSet(QStringLiteral("no-agent"));
    options.profile = p.value(QStringLiteral("profile"));
    if (!parseListen(p.value(QStringLiteral("listen")), &options.embedded.address, &options.embedded.port)) {
        fprintf(stderr, "tanvrit-compute-console: --listen must look like HOST:PORT\n");
        return 64;
    }
    options.embedded.anyPortIfTaken = !p.isSet(QStringLiteral("listen"));

    SingleInstance instance(options.embedded.dataDir);
    if (!instance.claim()) {
        printf("tanvrit-compute-console: already running; brought its window forward\n");
        return 0;
    }
    ConsoleApp console(options);
    QObject::connect(&instance, &SingleInstance::raiseRequested, console.window(), &MainWindow::bringToFront);
    QObject::connect(&console, &ConsoleApp::connectedFirstTime, &console, [&console] {
        Logging::always(QStringLiteral("console window_ms=%1 backend_ready_ms=%2 connected_ms=%3")
                            .arg(console.windowShownMs())
                            .arg(console.backendReadyMs())
                            .arg(console.connectedMs()));
    });
    console.start();
    return QApplication::exec();
}
