// Renders every page of a console running on real data to PNG files (scripts/screenshots.sh runs it
// under Xvfb): an embedded control plane and agent, jobs in every state, a live log, a member, a key.
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "GuiFixture.h"
#include "Translations.h"

#include <QApplication>
#include <QDir>
#include <QListWidget>
#include <QTest>

namespace {
void settle(int ms)
{
    QTest::qWait(ms);
}
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Tanvrit"));
    QApplication::setApplicationName(QStringLiteral("tanvrit-compute-console-screenshots"));
    installConsoleTranslations(app); // LANGUAGE=de renders the German console
    const QString outDir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("screenshots");
    QDir().mkpath(outDir);
    GuiFixture fx;
    if (!fx.start(2)) {
        fprintf(stderr, "console_screenshots: the console did not connect\n");
        return 1;
    }
    fx.window()->resize(1440, 900);

    // real data: finished jobs of every kind, one that keeps printing, one waiting for GPUs nobody has
    QStringList ids;
    ids << fx.submit({{"command", "echo 'hello from Tanvrit Compute'; uname -a"}});
    ids << fx.submit({{"command", "echo preparing; echo 'disk full' >&2; exit 2"}});
    ids << fx.submit({{"command", "sleep 30"}, {"timeoutSeconds", 1}});
    ids << fx.submit({{"argv", QJsonArray {"python3", "-c", "print('\\x1b[32mgreen\\x1b[0m and \\x1b[1;31mbold red\\x1b[0m')"}}});
    for (const QString &id : ids)
        fx.waitForState(id, "SUCCEEDED", 5000);
    const QString live = fx.submit({{"command",
        "i=0; while true; do i=$((i+1)); echo \"step $i: loss=0.$((RANDOM % 1000))\"; "
        "[ $((i % 7)) -eq 0 ] && echo \"warning: slow batch $i\" >&2; sleep 0.2; done"},
        });
    fx.submit({{"command", "nvidia-smi"}, {"resources", QJsonObject {{"gpus", 8}}}});
    const QString cancelled = fx.submit({{"command", "sleep 60"}});
    settle(1500);
    awaitResult<JobView>([&](auto cb) { fx.client()->cancelJob(cancelled, QStringLiteral("not needed"), cb); });
    awaitResult<QJsonObject>([&](auto cb) {
        fx.client()->invite(fx.session()->workspaceId(), QStringLiteral("ada@example.com"), QStringLiteral("admin"), cb);
    });
    awaitResult<KeyView>([&](auto cb) {
        fx.client()->createKey({{"name", "ci-runner"}, {"role", "member"}, {"maxJobsPerHour", 600}}, cb);
    });
    settle(3000);

    auto shoot = [&](const QString &name) {
        settle(1500);
        const QString file = outDir + QLatin1Char('/') + name + QStringLiteral(".png");
        if (!fx.window()->grab().save(file))
            fprintf(stderr, "console_screenshots: could not write %s\n", qPrintable(file));
        else
            printf("%s\n", qPrintable(file));
    };
    auto *sidebar = fx.find<QListWidget>("sidebar");
    for (int i = 0; i < sidebar->count(); ++i) {
        sidebar->setCurrentRow(i);
        shoot(QStringLiteral("%1-%2").arg(i + 1, 2, 10, QLatin1Char('0')).arg(sidebar->item(i)->text().toLower()));
    }
    fx.session()->requestOpenJob(live);
    shoot(QStringLiteral("job-detail"));
    fx.session()->requestFollowLogs({live});
    shoot(QStringLiteral("logs-live"));
    fx.window()->setTheme(MainWindow::Theme::Dark);
    fx.session()->requestOpenJob(live);
    shoot(QStringLiteral("job-detail-dark"));
    fx.window()->setTheme(MainWindow::Theme::Light);
    return 0;
}
