// Everything goes through ComputeClient's asynchronous calls; the delivery log of the selected hook is
// re-read every two seconds while the page is visible (deliveries and retries happen on the server).
#include "WebhooksPage.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "FieldErrors.h"

#include <QClipboard>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHideEvent>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {
QString shortTime(const QString &iso)
{
    return iso.left(19).replace(QLatin1Char('T'), QLatin1Char(' '));
}
}

WebhooksPage::WebhooksPage(ConsoleSession *session, QWidget *parent)
    : Page(session, parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("webhooksPage"));
    m_roleNote = new QLabel(tr("Webhooks are managed by admins and owners of the workspace."), this);
    m_roleNote->setObjectName(QStringLiteral("webhooksRoleNote"));
    m_roleNote->setWordWrap(true);
    m_roleNote->hide();

    m_table = new QTreeWidget(this);
    m_table->setObjectName(QStringLiteral("webhooksTable"));
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setHeaderLabels({tr("URL"), tr("Events"), tr("Status"), tr("Last delivery")});
    connect(m_table, &QTreeWidget::itemSelectionChanged, this, [this] {
        updateButtons();
        m_deliveries->clear();
        reloadDeliveries();
    });

    m_test = new QPushButton(tr("Send &test"), this);
    m_test->setObjectName(QStringLiteral("testWebhookButton"));
    connect(m_test, &QPushButton::clicked, this, &WebhooksPage::sendTest);
    m_rotate = new QPushButton(tr("R&otate secret"), this);
    m_rotate->setObjectName(QStringLiteral("rotateWebhookSecretButton"));
    connect(m_rotate, &QPushButton::clicked, this, &WebhooksPage::rotateSecret);
    m_enable = new QPushButton(tr("&Enable"), this);
    m_enable->setObjectName(QStringLiteral("enableWebhookButton"));
    connect(m_enable, &QPushButton::clicked, this, &WebhooksPage::enableSelected);
    m_delete = new QPushButton(tr("&Delete"), this);
    m_delete->setObjectName(QStringLiteral("deleteWebhookButton"));
    connect(m_delete, &QPushButton::clicked, this, &WebhooksPage::deleteSelected);
    auto *hookRow = new QHBoxLayout;
    hookRow->addStretch(1);
    for (QPushButton *b : {m_test, m_rotate, m_enable, m_delete})
        hookRow->addWidget(b);

    m_deliveries = new QTreeWidget(this);
    m_deliveries->setObjectName(QStringLiteral("deliveriesTable"));
    m_deliveries->setRootIsDecorated(false);
    m_deliveries->setUniformRowHeights(true);
    m_deliveries->setHeaderLabels(
        {tr("Time"), tr("Event"), tr("State"), tr("Status"), tr("Response (ms)"), tr("Attempt"), tr("Next retry")});
    connect(m_deliveries, &QTreeWidget::itemSelectionChanged, this, &WebhooksPage::updateButtons);
    m_resend = new QPushButton(tr("&Resend"), this);
    m_resend->setObjectName(QStringLiteral("resendDeliveryButton"));
    connect(m_resend, &QPushButton::clicked, this, &WebhooksPage::resendSelected);
    auto *deliveryRow = new QHBoxLayout;
    deliveryRow->addWidget(new QLabel(tr("Deliveries of the selected webhook"), this), 1);
    deliveryRow->addWidget(m_resend);

    auto *form = new QGroupBox(tr("New webhook"), this);
    m_url = new QLineEdit(form);
    m_url->setObjectName(QStringLiteral("webhookUrl"));
    m_url->setPlaceholderText(QStringLiteral("https://example.com/hooks/compute"));
    m_events = new QLineEdit(QStringLiteral("job.terminal"), form);
    m_events->setObjectName(QStringLiteral("webhookEvents"));
    m_events->setToolTip(tr("Comma-separated: job.created, job.transitioned, job.terminal, agent.*, webhook.disabled, "
                            "ping, or * for all"));
    m_description = new QLineEdit(form);
    m_description->setObjectName(QStringLiteral("webhookDescription"));
    m_create = new QPushButton(tr("&Create webhook"), form);
    m_create->setObjectName(QStringLiteral("createWebhookButton"));
    connect(m_create, &QPushButton::clicked, this, &WebhooksPage::create);
    auto *f = new QFormLayout(form);
    f->addRow(tr("URL"), m_url);
    f->addRow(tr("Events"), m_events);
    f->addRow(tr("Description"), m_description);
    f->addRow(m_create);

    m_secretBox = new QWidget(this);
    m_secretBox->setObjectName(QStringLiteral("webhookSecretBox"));
    m_secretNote = new QLabel(m_secretBox);
    m_secret = new QLineEdit(m_secretBox);
    m_secret->setObjectName(QStringLiteral("webhookSecretEdit"));
    m_secret->setReadOnly(true);
    auto *copy = new QPushButton(tr("Cop&y"), m_secretBox);
    copy->setObjectName(QStringLiteral("copySecretButton"));
    connect(copy, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_secret->text()); });
    auto *done = new QPushButton(tr("Do&ne"), m_secretBox);
    done->setObjectName(QStringLiteral("dismissSecretButton"));
    connect(done, &QPushButton::clicked, this, &WebhooksPage::hideSecret);
    auto *secretRow = new QHBoxLayout(m_secretBox);
    secretRow->setContentsMargins(0, 0, 0, 0);
    secretRow->addWidget(m_secretNote);
    secretRow->addWidget(m_secret, 1);
    secretRow->addWidget(copy);
    secretRow->addWidget(done);
    m_secretBox->hide();

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("webhooksStatus"));
    m_status->setWordWrap(true);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_table, 1);
    topLayout->addLayout(hookRow);
    auto *bottom = new QWidget(this);
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addLayout(deliveryRow);
    bottomLayout->addWidget(m_deliveries, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(bottom);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_roleNote);
    layout->addWidget(split, 1);
    layout->addWidget(m_secretBox);
    layout->addWidget(form);
    layout->addWidget(m_status);

    m_poll = new QTimer(this);
    m_poll->setInterval(2000);
    connect(m_poll, &QTimer::timeout, this, [this] {
        reloadDeliveries();
        reload();
    });
    connect(m_session, &ConsoleSession::reset, this, [this] {
        hideSecret();
        setStatus(QString());
        m_table->clear();
        m_deliveries->clear();
        applyRole();
        reload();
    });
    updateButtons();
}

QString WebhooksPage::title() const
{
    return tr("Webhooks");
}

QIcon WebhooksPage::icon() const
{
    return QIcon::fromTheme(QStringLiteral("network-transmit"));
}

void WebhooksPage::pageShown()
{
    applyRole();
    reload();
    m_poll->start();
}

void WebhooksPage::hideEvent(QHideEvent *e)
{
    m_poll->stop();
    Page::hideEvent(e);
}

void WebhooksPage::applyRole()
{
    const QString role = m_session->role();
    m_allowed = role.isEmpty() || role == QLatin1String("admin") || role == QLatin1String("owner");
    m_roleNote->setVisible(!m_allowed);
    for (QWidget *w : std::initializer_list<QWidget *> {m_url, m_events, m_description, m_create}) {
        w->setEnabled(m_allowed);
        w->setToolTip(m_allowed ? QString() : m_roleNote->text());
    }
    updateButtons();
}

void WebhooksPage::updateButtons()
{
    const auto hooks = m_table->selectedItems();
    const bool hook = m_allowed && !hooks.isEmpty();
    const bool disabled = hook && hooks.first()->data(2, Qt::UserRole).toString() == QLatin1String("disabled");
    m_test->setEnabled(hook && !disabled);
    m_rotate->setEnabled(hook);
    m_enable->setEnabled(disabled);
    m_delete->setEnabled(hook);
    m_resend->setEnabled(hook && !m_deliveries->selectedItems().isEmpty());
    const QString reason = m_allowed ? QString() : m_roleNote->text();
    for (QPushButton *b : {m_test, m_rotate, m_enable, m_delete, m_resend})
        b->setToolTip(reason);
}

QString WebhooksPage::selectedHook() const
{
    const auto items = m_table->selectedItems();
    return items.isEmpty() ? QString() : items.first()->data(0, Qt::UserRole).toString();
}

void WebhooksPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

void WebhooksPage::showSecret(const QString &secret, const QString &note)
{
    m_secretNote->setText(note);
    m_secret->setText(secret);
    m_secretBox->show();
}

void WebhooksPage::hideSecret()
{
    m_secret->clear();
    m_secretBox->hide();
}

void WebhooksPage::reload()
{
    if (!m_allowed)
        return;
    QPointer<WebhooksPage> self(this);
    m_session->client()->webhooks([self](ClientResult<WebhookList> r) {
        if (!self)
            return;
        if (!r && r.error().isHttp(403))
            return; // the role changed under us: the role note says why
        if (!r)
            return self->setStatus(tr("Could not list the webhooks: %1").arg(r.error().describe()), true);
        const QString selected = self->selectedHook();
        QHash<QString, QTreeWidgetItem *> rows;
        for (int i = 0; i < self->m_table->topLevelItemCount(); ++i)
            rows.insert(
                self->m_table->topLevelItem(i)->data(0, Qt::UserRole).toString(), self->m_table->topLevelItem(i));
        QSet<QString> seen;
        for (const WebhookView &w : r.value().webhooks) {
            QTreeWidgetItem *item = rows.value(w.id);
            if (!item) {
                item = new QTreeWidgetItem(self->m_table);
                item->setData(0, Qt::UserRole, w.id);
            }
            seen.insert(w.id);
            item->setText(0, w.url);
            item->setText(1, w.events.join(QStringLiteral(", ")));
            item->setText(2, w.enabled() ? tr("active") : tr("disabled"));
            item->setData(2, Qt::UserRole, w.status);
            item->setToolTip(2, w.disabledReason);
            item->setText(3,
                w.lastDeliveryAt.isEmpty()
                    ? QStringLiteral("-")
                    : QStringLiteral("%1 %2 %3")
                          .arg(shortTime(w.lastDeliveryAt), w.lastDeliveryState,
                              w.lastDeliveryStatus > 0 ? QString::number(w.lastDeliveryStatus) : QString()));
        }
        for (auto it = rows.begin(); it != rows.end(); ++it)
            if (!seen.contains(it.key()))
                delete it.value();
        if (selected.isEmpty() && self->m_table->topLevelItemCount() > 0 && !self->m_table->currentItem())
            self->m_table->setCurrentItem(self->m_table->topLevelItem(0));
        self->updateButtons();
    });
}

void WebhooksPage::reloadDeliveries()
{
    const QString id = selectedHook();
    if (id.isEmpty() || !m_allowed)
        return;
    QPointer<WebhooksPage> self(this);
    m_session->client()->webhookDeliveries(id, 100, QString(), [self, id](ClientResult<WebhookDeliveryPage> r) {
        if (!self || self->selectedHook() != id)
            return;
        if (!r)
            return self->setStatus(tr("Could not read the deliveries: %1").arg(r.error().describe()), true);
        const auto selected = self->m_deliveries->selectedItems();
        const QString keep = selected.isEmpty() ? QString() : selected.first()->data(0, Qt::UserRole).toString();
        self->m_deliveries->clear();
        for (const WebhookDeliveryView &d : r.value().deliveries) {
            auto *item = new QTreeWidgetItem(self->m_deliveries);
            item->setData(0, Qt::UserRole, d.id);
            item->setText(0, shortTime(d.lastAttemptAt.isEmpty() ? d.createdAt : d.lastAttemptAt));
            item->setText(1, d.eventType);
            item->setToolTip(1, d.eventId);
            item->setText(2, d.state);
            item->setText(3, d.httpStatus > 0 ? QString::number(d.httpStatus) : d.error);
            item->setToolTip(3, d.error);
            item->setText(4, d.responseMs >= 0 ? QString::number(d.responseMs) : QStringLiteral("-"));
            item->setText(5, QString::number(d.attempt));
            item->setText(6, d.nextAttemptAt.isEmpty() ? QStringLiteral("-") : shortTime(d.nextAttemptAt));
            if (d.id == keep)
                item->setSelected(true);
        }
        self->updateButtons();
    });
}

QHash<QString, QWidget *> WebhooksPage::fieldWidgets() const
{
    return {{QStringLiteral("url"), m_url}, {QStringLiteral("events"), m_events},
        {QStringLiteral("description"), m_description}};
}

void WebhooksPage::create()
{
    QJsonArray events;
    for (const QString &e : m_events->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!e.trimmed().isEmpty())
            events.append(e.trimmed());
    QJsonObject body {{QStringLiteral("url"), m_url->text().trimmed()}, {QStringLiteral("events"), events}};
    if (!m_description->text().trimmed().isEmpty())
        body.insert(QStringLiteral("description"), m_description->text().trimmed());
    m_create->setEnabled(false);
    QPointer<WebhooksPage> self(this);
    m_session->client()->createWebhook(body, [self](ClientResult<WebhookView> r) {
        if (!self)
            return;
        self->m_create->setEnabled(true);
        if (!r) {
            FieldErrors::show(r.error(), self->fieldWidgets());
            return self->setStatus(tr("Could not create the webhook: %1").arg(r.error().describe()), true);
        }
        FieldErrors::clear(self->fieldWidgets());
        self->showSecret(r.value().secret, tr("Signing secret (shown only now):"));
        self->m_url->clear();
        self->m_description->clear();
        self->setStatus(
            tr("Webhook for %1 created. Copy its signing secret now: it is not shown again.").arg(r.value().url));
        self->reload();
    });
}

void WebhooksPage::sendTest()
{
    const QString id = selectedHook();
    if (id.isEmpty())
        return;
    QPointer<WebhooksPage> self(this);
    m_session->client()->testWebhook(id, [self](ClientResult<WebhookDeliveryView> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not send a test: %1").arg(r.error().describe()), true);
        self->setStatus(tr("Test event sent; its delivery appears below"));
        QTimer::singleShot(300, self, &WebhooksPage::reloadDeliveries);
    });
}

void WebhooksPage::rotateSecret()
{
    const QString id = selectedHook();
    if (id.isEmpty())
        return;
    QPointer<WebhooksPage> self(this);
    m_session->client()->rotateWebhookSecret(id, [self](ClientResult<WebhookView> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not rotate the secret: %1").arg(r.error().describe()), true);
        self->showSecret(r.value().secret, tr("New signing secret (shown only now):"));
        self->setStatus(tr("Secret rotated; the previous one also signs deliveries for 24 hours"));
    });
}

void WebhooksPage::enableSelected()
{
    const QString id = selectedHook();
    if (id.isEmpty())
        return;
    QPointer<WebhooksPage> self(this);
    m_session->client()->updateWebhook(id, {{QStringLiteral("enabled"), true}}, [self](ClientResult<WebhookView> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not enable: %1").arg(r.error().describe()), true);
        self->setStatus(tr("Webhook enabled"));
        self->reload();
    });
}

void WebhooksPage::deleteSelected()
{
    const QString id = selectedHook();
    if (id.isEmpty())
        return;
    QPointer<WebhooksPage> self(this);
    m_session->client()->deleteWebhook(id, [self](ClientResult<bool> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not delete: %1").arg(r.error().describe()), true);
        self->m_deliveries->clear();
        self->setStatus(tr("Webhook deleted"));
        self->reload();
    });
}

void WebhooksPage::resendSelected()
{
    const QString id = selectedHook();
    const auto items = m_deliveries->selectedItems();
    if (id.isEmpty() || items.isEmpty())
        return;
    QPointer<WebhooksPage> self(this);
    m_session->client()->resendWebhookDelivery(
        id, items.first()->data(0, Qt::UserRole).toString(), [self](ClientResult<WebhookDeliveryView> r) {
            if (!self)
                return;
            if (!r)
                return self->setStatus(tr("Could not resend: %1").arg(r.error().describe()), true);
            self->setStatus(tr("Delivery queued again"));
            QTimer::singleShot(300, self, &WebhooksPage::reloadDeliveries);
        });
}
