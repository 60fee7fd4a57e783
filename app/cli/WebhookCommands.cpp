// webhooks create | list | get | delete | rotate-secret | enable | test | deliveries | resend (part 3).
#include "Cli.h"

#include <QDateTime>

using namespace CliOutput;

namespace {

int onePositional(Cli &cli, const QString &command, QString &id)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("webhooks %1 takes one webhook id").arg(command));
    id = cli.positional().first();
    return ExitCode::Ok;
}

void printHook(Cli &cli, const WebhookView &w)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QString text = QStringLiteral("id:            %1\nurl:           %2\nevents:        %3\nstatus:        %4\n")
                       .arg(w.id, w.url, w.events.join(QLatin1Char(',')), w.status);
    if (!w.disabledReason.isEmpty())
        text += QStringLiteral("reason:        %1\n").arg(w.disabledReason);
    if (!w.description.isEmpty())
        text += QStringLiteral("description:   %1\n").arg(w.description);
    text += QStringLiteral("last delivery: %1\n")
                .arg(w.lastDeliveryAt.isEmpty()
                        ? QStringLiteral("-")
                        : QStringLiteral("%1 %2 %3")
                              .arg(w.lastDeliveryState,
                                  w.lastDeliveryStatus ? QString::number(w.lastDeliveryStatus) : QString(),
                                  ago(w.json.value(QStringLiteral("lastDelivery"))
                                          .toObject()
                                          .value(QStringLiteral("at")),
                                      now)));
    cli.out(text);
}

// create and rotate-secret: the secret on stdout (for scripts), the note on stderr
int printSecret(Cli &cli, const WebhookView &w, const QString &note)
{
    if (cli.jsonOutput())
        return cli.printJson(w.json), ExitCode::Ok;
    cli.out(w.secret + QLatin1Char('\n'));
    cli.err(note.arg(w.id) + QLatin1Char('\n'));
    return ExitCode::Ok;
}

int createHook(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("webhooks create takes one URL"));
    const QStringList events = cli.parser().values(QStringLiteral("event"));
    if (events.isEmpty())
        return cli.usageError(QStringLiteral("webhooks create needs at least one --event TYPE"));
    QStringList split;
    for (const QString &e : events)
        split << e.split(QLatin1Char(','), Qt::SkipEmptyParts);
    QJsonObject body {{QStringLiteral("url"), cli.positional().first()},
        {QStringLiteral("events"), QJsonArray::fromStringList(split)}};
    if (cli.isSet(QStringLiteral("description")))
        body.insert(QStringLiteral("description"), cli.value(QStringLiteral("description")));
    const auto r
        = cli.await<WebhookView>([&](ClientCallback<WebhookView> cb) { cli.client().createWebhook(body, cb); });
    if (!r)
        return cli.fail(r.error());
    return printSecret(
        cli, r.value(), QStringLiteral("note: webhook %1 created; its signing secret is shown once: store it now"));
}

int listHooks(Cli &cli)
{
    const auto r = cli.await<WebhookList>([&](ClientCallback<WebhookList> cb) { cli.client().webhooks(cb); });
    if (!r)
        return cli.fail(r.error());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Table t({QStringLiteral("ID"), QStringLiteral("URL"), QStringLiteral("EVENTS"), QStringLiteral("STATUS"),
        QStringLiteral("LAST-DELIVERY")});
    for (const WebhookView &w : r.value().webhooks) {
        const QString last = w.lastDeliveryAt.isEmpty()
            ? QStringLiteral("-")
            : QStringLiteral("%1 %2").arg(w.lastDeliveryState,
                ago(w.json.value(QStringLiteral("lastDelivery")).toObject().value(QStringLiteral("at")), now));
        t.add({w.id, w.url, w.events.join(QLatin1Char(',')), w.status, last},
            {Color::None, Color::None, Color::None, w.enabled() ? Color::Green : Color::Red, Color::None});
    }
    cli.printList(r.value().json, r.value().json.value(QStringLiteral("webhooks")).toArray(), t);
    return ExitCode::Ok;
}

int getHook(Cli &cli)
{
    QString id;
    if (const int rc = onePositional(cli, QStringLiteral("get"), id))
        return rc;
    const auto r = cli.await<WebhookView>([&](ClientCallback<WebhookView> cb) { cli.client().webhook(id, cb); });
    if (!r)
        return cli.fail(r.error());
    if (cli.jsonOutput())
        return cli.printJson(r.value().json), ExitCode::Ok;
    printHook(cli, r.value());
    return ExitCode::Ok;
}

int deleteHooks(Cli &cli)
{
    if (cli.positional().isEmpty())
        return cli.usageError(QStringLiteral("webhooks delete takes one or more webhook ids"));
    int rc = ExitCode::Ok;
    for (const QString &id : cli.positional()) {
        const auto r = cli.await<bool>([&](ClientCallback<bool> cb) { cli.client().deleteWebhook(id, cb); });
        if (!r) {
            rc = cli.fail(r.error());
            continue;
        }
        if (cli.jsonOutput())
            cli.printJson({{QStringLiteral("id"), id}, {QStringLiteral("deleted"), true}});
        else
            cli.out(id + QStringLiteral(" deleted\n"));
    }
    return rc;
}

int rotateSecret(Cli &cli)
{
    QString id;
    if (const int rc = onePositional(cli, QStringLiteral("rotate-secret"), id))
        return rc;
    const auto r
        = cli.await<WebhookView>([&](ClientCallback<WebhookView> cb) { cli.client().rotateWebhookSecret(id, cb); });
    if (!r)
        return cli.fail(r.error());
    return printSecret(cli, r.value(),
        QStringLiteral("note: the new signing secret of %1 is shown once; the previous one also signs for 24 h"));
}

int enableHook(Cli &cli)
{
    QString id;
    if (const int rc = onePositional(cli, QStringLiteral("enable"), id))
        return rc;
    const auto r = cli.await<WebhookView>([&](ClientCallback<WebhookView> cb) {
        cli.client().updateWebhook(id, {{QStringLiteral("enabled"), true}}, cb);
    });
    if (!r)
        return cli.fail(r.error());
    if (cli.jsonOutput())
        return cli.printJson(r.value().json), ExitCode::Ok;
    cli.out(id + QStringLiteral(" enabled\n"));
    return ExitCode::Ok;
}

void printDelivery(Cli &cli, const WebhookDeliveryView &d, const QString &verb)
{
    if (cli.jsonOutput())
        cli.printJson(d.json);
    else
        cli.out(QStringLiteral("%1 %2 (%3 %4)\n").arg(d.id, verb, d.eventType, d.eventId));
}

int testHook(Cli &cli)
{
    QString id;
    if (const int rc = onePositional(cli, QStringLiteral("test"), id))
        return rc;
    const auto r = cli.await<WebhookDeliveryView>(
        [&](ClientCallback<WebhookDeliveryView> cb) { cli.client().testWebhook(id, cb); });
    if (!r)
        return cli.fail(r.error());
    printDelivery(cli, r.value(), QStringLiteral("queued"));
    return ExitCode::Ok;
}

int listDeliveries(Cli &cli)
{
    QString id;
    if (const int rc = onePositional(cli, QStringLiteral("deliveries"), id))
        return rc;
    int limit = 50;
    if (cli.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = cli.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > 200)
            return cli.usageError(QStringLiteral("--limit takes a number from 1 to 200"));
    }
    const auto r = cli.await<WebhookDeliveryPage>(
        [&](ClientCallback<WebhookDeliveryPage> cb) { cli.client().webhookDeliveries(id, limit, QString(), cb); });
    if (!r)
        return cli.fail(r.error());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Table t({QStringLiteral("ID"), QStringLiteral("EVENT"), QStringLiteral("TYPE"), QStringLiteral("STATE"),
        QStringLiteral("ATTEMPT"), QStringLiteral("STATUS"), QStringLiteral("TIME"), QStringLiteral("WHEN"),
        QStringLiteral("NEXT-RETRY")});
    for (const WebhookDeliveryView &d : r.value().deliveries) {
        const QString status = d.httpStatus > 0 ? QString::number(d.httpStatus)
            : d.error.isEmpty()                 ? QStringLiteral("-")
                                                : d.error.left(40);
        const Color c = d.state == QLatin1String("delivered") ? Color::Green
            : d.state == QLatin1String("pending")             ? Color::Yellow
                                                              : Color::Red;
        t.add({d.id, d.eventId, d.eventType, d.state, QString::number(d.attempt), status,
                  d.responseMs >= 0 ? duration(d.responseMs) : QStringLiteral("-"),
                  ago(d.json.value(QStringLiteral("lastAttemptAt")), now),
                  d.nextAttemptAt.isEmpty() ? QStringLiteral("-") : d.nextAttemptAt},
            {Color::None, Color::None, Color::None, c, Color::None, Color::None, Color::None, Color::None,
                Color::None});
    }
    cli.printList(r.value().json, r.value().json.value(QStringLiteral("deliveries")).toArray(), t);
    return ExitCode::Ok;
}

int resendDelivery(Cli &cli)
{
    if (cli.positional().size() != 2)
        return cli.usageError(QStringLiteral("webhooks resend takes a webhook id and a delivery id"));
    const auto r = cli.await<WebhookDeliveryView>([&](ClientCallback<WebhookDeliveryView> cb) {
        cli.client().resendWebhookDelivery(cli.positional().at(0), cli.positional().at(1), cb);
    });
    if (!r)
        return cli.fail(r.error());
    printDelivery(cli, r.value(), QStringLiteral("queued"));
    return ExitCode::Ok;
}

} // namespace

void addWebhookCommands(QList<CliCommand> &c)
{
    c.append({QStringLiteral("webhooks create"),
        QStringLiteral("Register a webhook (its signing secret is printed once)"),
        QStringLiteral("URL --event TYPE… [--description TEXT]"),
        QStringLiteral("tanvrit-compute webhooks create https://ci.example.com/hook --event job.terminal\n"
                       "tanvrit-compute webhooks create https://x.example/h --event job.created,job.terminal -o json"),
        [](QCommandLineParser &p) {
            p.addOptions({Cli::option(QStringLiteral("event"),
                              QStringLiteral("An event type (job.created, job.transitioned, job.terminal, agent.*, "
                                             "webhook.disabled, ping, *); repeatable or comma-separated."),
                              QStringLiteral("TYPE")),
                Cli::option(
                    QStringLiteral("description"), QStringLiteral("What the hook is for."), QStringLiteral("TEXT"))});
        },
        createHook});
    c.append({QStringLiteral("webhooks list"), QStringLiteral("List the workspace's webhooks"), QString(),
        QStringLiteral("tanvrit-compute webhooks list\ntanvrit-compute webhooks list -o json"), nullptr, listHooks});
    c.append({QStringLiteral("webhooks get"), QStringLiteral("Show a webhook"), QStringLiteral("ID"),
        QStringLiteral("tanvrit-compute webhooks get wh_01JD"), nullptr, getHook});
    c.append({QStringLiteral("webhooks delete"), QStringLiteral("Remove webhooks and their delivery logs"),
        QStringLiteral("ID…"), QStringLiteral("tanvrit-compute webhooks delete wh_01JD"), nullptr, deleteHooks});
    c.append({QStringLiteral("webhooks rotate-secret"),
        QStringLiteral("Make a new signing secret (printed once; the old one signs for 24 h more)"),
        QStringLiteral("ID"), QStringLiteral("tanvrit-compute webhooks rotate-secret wh_01JD"), nullptr, rotateSecret});
    c.append({QStringLiteral("webhooks enable"), QStringLiteral("Enable a disabled webhook"), QStringLiteral("ID"),
        QStringLiteral("tanvrit-compute webhooks enable wh_01JD"), nullptr, enableHook});
    c.append({QStringLiteral("webhooks test"), QStringLiteral("Send a ping event to a webhook"), QStringLiteral("ID"),
        QStringLiteral("tanvrit-compute webhooks test wh_01JD && tanvrit-compute webhooks deliveries wh_01JD"), nullptr,
        testHook});
    c.append({QStringLiteral("webhooks deliveries"), QStringLiteral("A webhook's delivery log, newest first"),
        QStringLiteral("ID [--limit N]"),
        QStringLiteral(
            "tanvrit-compute webhooks deliveries wh_01JD\ntanvrit-compute webhooks deliveries wh_01JD -o json"),
        [](QCommandLineParser &p) {
            p.addOption(Cli::option(QStringLiteral("limit"), QStringLiteral("Deliveries to show (1-200, default 50)."),
                QStringLiteral("N")));
        },
        listDeliveries});
    c.append({QStringLiteral("webhooks resend"), QStringLiteral("Send a delivery's event again"),
        QStringLiteral("ID DELIVERY"), QStringLiteral("tanvrit-compute webhooks resend wh_01JD whd_01JE"), nullptr,
        resendDelivery});
}
