// The secret of a new key lives in one read-only field until the page reloads for another reason or the
// user dismisses it; it is never stored by the console.
#include "KeysPage.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "FieldErrors.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>

KeysPage::KeysPage(ConsoleSession *session, QWidget *parent)
    : Page(session, parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("keysPage"));
    m_table = new QTreeWidget(this);
    m_table->setObjectName(QStringLiteral("keysTable"));
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setHeaderLabels({tr("Name"), tr("Prefix"), tr("Role"), tr("Quotas"), tr("Job types"), tr("Expires"),
        tr("Last used"), tr("Revoked")});
    m_showRevoked = new QCheckBox(tr("Show revoked"), this);
    m_showRevoked->setObjectName(QStringLiteral("showRevoked"));
    connect(m_showRevoked, &QCheckBox::toggled, this, &KeysPage::reload);
    m_revoke = new QPushButton(tr("Re&voke"), this);
    m_revoke->setObjectName(QStringLiteral("revokeKeyButton"));
    m_revoke->setEnabled(false);
    connect(m_revoke, &QPushButton::clicked, this, &KeysPage::revokeSelected);
    connect(m_table, &QTreeWidget::itemSelectionChanged, this, [this] {
        const auto items = m_table->selectedItems();
        m_revoke->setEnabled(!items.isEmpty() && items.first()->text(7).isEmpty());
    });
    auto *listRow = new QHBoxLayout;
    listRow->addWidget(m_showRevoked);
    listRow->addStretch(1);
    listRow->addWidget(m_revoke);

    auto *form = new QGroupBox(tr("New key"), this);
    m_name = new QLineEdit(form);
    m_name->setObjectName(QStringLiteral("keyName"));
    m_role = new QComboBox(form);
    m_role->setObjectName(QStringLiteral("keyRole"));
    m_role->addItems({QStringLiteral("member"), QStringLiteral("admin"), QStringLiteral("owner")});
    m_role->setToolTip(tr("At most your own role"));
    m_perHour = new QSpinBox(form);
    m_perHour->setObjectName(QStringLiteral("maxJobsPerHour"));
    m_perHour->setRange(0, 1000000);
    m_perHour->setSpecialValueText(tr("no limit"));
    m_concurrent = new QSpinBox(form);
    m_concurrent->setObjectName(QStringLiteral("maxConcurrentJobs"));
    m_concurrent->setRange(0, 100000);
    m_concurrent->setSpecialValueText(tr("no limit"));
    m_types = new QLineEdit(form);
    m_types->setObjectName(QStringLiteral("allowedJobTypes"));
    m_types->setPlaceholderText(tr("any (or e.g. COMMAND, render)"));
    m_days = new QSpinBox(form);
    m_days->setObjectName(QStringLiteral("expiresInDays"));
    m_days->setRange(0, 3650);
    m_days->setSpecialValueText(tr("never"));
    m_days->setSuffix(tr(" day(s)"));
    m_create = new QPushButton(tr("&Create key"), form);
    m_create->setObjectName(QStringLiteral("createKeyButton"));
    connect(m_create, &QPushButton::clicked, this, &KeysPage::create);
    auto *f = new QFormLayout(form);
    f->addRow(tr("Name"), m_name);
    f->addRow(tr("Role"), m_role);
    f->addRow(tr("Jobs per hour"), m_perHour);
    f->addRow(tr("Concurrent jobs"), m_concurrent);
    f->addRow(tr("Job types"), m_types);
    f->addRow(tr("Expires after"), m_days);
    f->addRow(m_create);

    m_secretBox = new QWidget(this);
    m_secretBox->setObjectName(QStringLiteral("newKeyBox"));
    m_secret = new QLineEdit(m_secretBox);
    m_secret->setObjectName(QStringLiteral("newKeyEdit"));
    m_secret->setReadOnly(true);
    auto *copy = new QPushButton(tr("Cop&y"), m_secretBox);
    copy->setObjectName(QStringLiteral("copyKeyButton"));
    connect(copy, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_secret->text()); });
    auto *done = new QPushButton(tr("&Done"), m_secretBox);
    done->setObjectName(QStringLiteral("dismissKeyButton"));
    connect(done, &QPushButton::clicked, this, &KeysPage::hideSecret);
    auto *secretRow = new QHBoxLayout(m_secretBox);
    secretRow->setContentsMargins(0, 0, 0, 0);
    secretRow->addWidget(new QLabel(tr("The new key (shown only now):"), m_secretBox));
    secretRow->addWidget(m_secret, 1);
    secretRow->addWidget(copy);
    secretRow->addWidget(done);
    m_secretBox->hide();

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("keysStatus"));
    m_status->setWordWrap(true);

    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QAction::triggered, this, &KeysPage::reload);
    addAction(refresh);
    auto *revoke = new QAction(tr("Revoke key"), this);
    revoke->setShortcut(QKeySequence::Delete);
    revoke->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(revoke, &QAction::triggered, this, &KeysPage::revokeSelected);
    addAction(revoke);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(listRow);
    layout->addWidget(m_secretBox);
    layout->addWidget(form);
    layout->addWidget(m_status);

    connect(m_session, &ConsoleSession::reset, this, [this] {
        hideSecret();
        m_table->clear();
        reload();
    });
}

QString KeysPage::title() const
{
    return tr("API keys");
}

QIcon KeysPage::icon() const
{
    return QIcon::fromTheme(QStringLiteral("dialog-password"));
}

void KeysPage::pageShown()
{
    reload();
}

void KeysPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

void KeysPage::hideSecret()
{
    m_secret->clear();
    m_secretBox->hide();
}

void KeysPage::reload()
{
    QPointer<KeysPage> self(this);
    m_session->client()->keys(m_showRevoked->isChecked(), [self](ClientResult<KeyList> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not list the keys: %1").arg(r.error().describe()), true);
        self->m_table->clear();
        for (const KeyView &k : r.value().keys) {
            const QJsonObject &o = k.json;
            auto *item = new QTreeWidgetItem(self->m_table);
            item->setData(0, Qt::UserRole, k.id);
            item->setText(0, k.name);
            item->setText(1, k.prefix);
            item->setText(2, k.role);
            QStringList quotas;
            if (o.value(QStringLiteral("maxJobsPerHour")).toInt() > 0)
                quotas << tr("%1/h").arg(o.value(QStringLiteral("maxJobsPerHour")).toInt());
            if (o.value(QStringLiteral("maxConcurrentJobs")).toInt() > 0)
                quotas << tr("%1 at once").arg(o.value(QStringLiteral("maxConcurrentJobs")).toInt());
            item->setText(3, quotas.join(QStringLiteral(", ")));
            QStringList types;
            for (const QJsonValue &t : o.value(QStringLiteral("allowedJobTypes")).toArray())
                types << t.toString();
            item->setText(4, types.join(QStringLiteral(", ")));
            item->setText(5, o.value(QStringLiteral("expiresAt")).toString().left(16));
            item->setText(6, o.value(QStringLiteral("lastUsedAt")).toString().left(16));
            item->setText(7, o.value(QStringLiteral("revokedAt")).toString().left(16));
        }
    });
}

void KeysPage::create()
{
    const QString name = m_name->text().trimmed();
    if (name.isEmpty()) {
        setStatus(tr("Give the key a name"), true);
        m_name->setFocus();
        return;
    }
    QJsonObject body {{QStringLiteral("name"), name}, {QStringLiteral("role"), m_role->currentText()}};
    if (m_perHour->value() > 0)
        body.insert(QStringLiteral("maxJobsPerHour"), m_perHour->value());
    if (m_concurrent->value() > 0)
        body.insert(QStringLiteral("maxConcurrentJobs"), m_concurrent->value());
    const QStringList types = m_types->text().split(QLatin1Char(','), Qt::SkipEmptyParts);
    QJsonArray typeArray;
    for (const QString &t : types)
        if (!t.trimmed().isEmpty())
            typeArray.append(t.trimmed());
    if (!typeArray.isEmpty())
        body.insert(QStringLiteral("allowedJobTypes"), typeArray);
    if (m_days->value() > 0)
        body.insert(QStringLiteral("expiresInDays"), m_days->value());
    m_create->setEnabled(false);
    QPointer<KeysPage> self(this);
    m_session->client()->createKey(body, [self](ClientResult<KeyView> r) {
        if (!self)
            return;
        self->m_create->setEnabled(true);
        if (!r) {
            FieldErrors::show(r.error(), self->fieldWidgets());
            return self->setStatus(tr("Could not create the key: %1").arg(r.error().describe()), true);
        }
        FieldErrors::clear(self->fieldWidgets());
        self->m_secret->setText(r.value().key);
        self->m_secretBox->show();
        self->m_name->clear();
        self->setStatus(tr("Key %1 created. Copy it now: it is not shown again.").arg(r.value().name));
        self->reload();
    });
}

QHash<QString, QWidget *> KeysPage::fieldWidgets() const
{
    return {{QStringLiteral("name"), m_name}, {QStringLiteral("role"), m_role},
        {QStringLiteral("maxJobsPerHour"), m_perHour}, {QStringLiteral("maxConcurrentJobs"), m_concurrent},
        {QStringLiteral("allowedJobTypes"), m_types}, {QStringLiteral("expiresInDays"), m_days}};
}

void KeysPage::revokeSelected()
{
    const auto items = m_table->selectedItems();
    if (items.isEmpty())
        return;
    const QString id = items.first()->data(0, Qt::UserRole).toString();
    QPointer<KeysPage> self(this);
    m_session->client()->revokeKey(id, [self](ClientResult<KeyView> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not revoke: %1").arg(r.error().describe()), true);
        self->setStatus(tr("Key %1 revoked; it stopped working").arg(r.value().name));
        self->reload();
    });
}
