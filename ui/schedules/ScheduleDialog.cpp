// Only the newest preview answer is shown (a generation counter), so a slow answer to an older expression
// never overwrites the times of what is typed now.
#include "ScheduleDialog.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "FieldErrors.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QTimeZone>
#include <QVBoxLayout>

namespace {
QString commandOf(const QJsonObject &tpl)
{
    if (tpl.contains(QStringLiteral("command")))
        return tpl.value(QStringLiteral("command")).toString();
    QStringList words;
    for (const QJsonValue &v : tpl.value(QStringLiteral("argv")).toArray())
        words << v.toString();
    return words.join(QLatin1Char(' '));
}
}

ScheduleDialog::ScheduleDialog(ConsoleSession *session, const ScheduleView &existing, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_existing(existing)
{
    setObjectName(QStringLiteral("scheduleDialog"));
    setWindowTitle(existing.id.isEmpty() ? tr("New schedule") : tr("Edit schedule %1").arg(existing.name));
    m_name = new QLineEdit(existing.name, this);
    m_name->setObjectName(QStringLiteral("scheduleName"));
    m_cron = new QLineEdit(existing.id.isEmpty() ? QStringLiteral("0 * * * *") : existing.cron, this);
    m_cron->setObjectName(QStringLiteral("scheduleCron"));
    m_cron->setPlaceholderText(tr("minute hour day-of-month month day-of-week, e.g. */15 9-17 * * MON-FRI"));
    m_zone = new QComboBox(this);
    m_zone->setObjectName(QStringLiteral("scheduleZone"));
    m_zone->setEditable(true);
    m_zone->setInsertPolicy(QComboBox::NoInsert);
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_zone->addItem(QString::fromUtf8(id));
    m_zone->setCurrentText(
        existing.id.isEmpty() ? QString::fromUtf8(QTimeZone::systemTimeZoneId()) : existing.timeZone);
    if (m_zone->currentText().isEmpty())
        m_zone->setCurrentText(QStringLiteral("UTC"));
    m_initialCommand = commandOf(existing.jobTemplate);
    m_command = new QLineEdit(m_initialCommand, this);
    m_command->setObjectName(QStringLiteral("scheduleCommand"));
    m_command->setPlaceholderText(tr("A shell command, e.g. ./backup.sh --full"));
    m_concurrency = new QComboBox(this);
    m_concurrency->setObjectName(QStringLiteral("scheduleConcurrency"));
    m_concurrency->addItem(tr("Allow overlapping runs"), QStringLiteral("allow"));
    m_concurrency->addItem(tr("Skip while the last run is active"), QStringLiteral("forbid"));
    m_concurrency->addItem(tr("Cancel the last run, then start"), QStringLiteral("replace"));
    m_catchUp = new QComboBox(this);
    m_catchUp->setObjectName(QStringLiteral("scheduleCatchUp"));
    m_catchUp->addItem(tr("Run once for missed slots"), QStringLiteral("once"));
    m_catchUp->addItem(tr("Skip missed slots"), QStringLiteral("skip"));
    if (!existing.id.isEmpty()) {
        m_concurrency->setCurrentIndex(qMax(0, m_concurrency->findData(existing.concurrencyPolicy)));
        m_catchUp->setCurrentIndex(qMax(0, m_catchUp->findData(existing.catchUp)));
    }
    m_preview = new QListWidget(this);
    m_preview->setObjectName(QStringLiteral("schedulePreview"));
    m_preview->setMaximumHeight(fontMetrics().height() * 7);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("scheduleMessage"));
    m_message->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("saveScheduleButton"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ScheduleDialog::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("C&ron"), m_cron);
    form->addRow(tr("&Time zone"), m_zone);
    form->addRow(tr("Co&mmand"), m_command);
    form->addRow(tr("While a run is active"), m_concurrency);
    form->addRow(tr("After downtime"), m_catchUp);
    form->addRow(tr("Next runs"), m_preview);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(m_buttons);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300); // typing does not send a request per key
    connect(&m_debounce, &QTimer::timeout, this, &ScheduleDialog::preview);
    connect(m_cron, &QLineEdit::textChanged, this, &ScheduleDialog::schedulePreview);
    connect(m_zone, &QComboBox::currentTextChanged, this, &ScheduleDialog::schedulePreview);
    resize(560, sizeHint().height());
    preview();
}

void ScheduleDialog::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

void ScheduleDialog::schedulePreview()
{
    ++m_previewGeneration; // what is on screen is stale from now
    m_debounce.start();
}

void ScheduleDialog::preview()
{
    const int generation = ++m_previewGeneration;
    const QString zoneName = m_zone->currentText().trimmed();
    QPointer<ScheduleDialog> self(this);
    m_session->client()->previewSchedule(
        m_cron->text().trimmed(), zoneName, [self, generation, zoneName](ClientResult<SchedulePreview> r) {
            if (!self || generation != self->m_previewGeneration)
                return;
            self->m_preview->clear();
            const QHash<QString, QWidget *> previewFields {
                {QStringLiteral("cron"), self->m_cron}, {QStringLiteral("timeZone"), self->m_zone}};
            if (!r) {
                FieldErrors::show(r.error(), previewFields);
                const QJsonObject fields = r.error().detail.value(QStringLiteral("fields")).toObject();
                QStringList why;
                for (auto it = fields.begin(); it != fields.end(); ++it)
                    why << it.value().toString();
                self->m_preview->addItem(why.isEmpty() ? r.error().describe() : why.join(QStringLiteral("; ")));
                return;
            }
            FieldErrors::clear(previewFields);
            const QTimeZone zone(zoneName.toUtf8());
            for (const QString &iso : r.value().nextRuns) {
                const QDateTime at = QDateTime::fromString(iso, Qt::ISODateWithMs);
                const QString inZone = at.toTimeZone(zone).toString(QStringLiteral("ddd yyyy-MM-dd HH:mm"));
                const QString local = QLocale().toString(at.toLocalTime(), QLocale::ShortFormat);
                self->m_preview->addItem(tr("%1 %2 (here: %3)").arg(inZone, zoneName, local));
            }
        });
}

QHash<QString, QWidget *> ScheduleDialog::fieldWidgets() const
{
    return {{QStringLiteral("name"), m_name}, {QStringLiteral("cron"), m_cron}, {QStringLiteral("timeZone"), m_zone},
        {QStringLiteral("jobTemplate.command"), m_command}, {QStringLiteral("concurrencyPolicy"), m_concurrency},
        {QStringLiteral("catchUp"), m_catchUp}};
}

void ScheduleDialog::save()
{
    QJsonObject body {{QStringLiteral("name"), m_name->text().trimmed()},
        {QStringLiteral("cron"), m_cron->text().trimmed()},
        {QStringLiteral("timeZone"), m_zone->currentText().trimmed()},
        {QStringLiteral("concurrencyPolicy"), m_concurrency->currentData().toString()},
        {QStringLiteral("catchUp"), m_catchUp->currentData().toString()}};
    // an unchanged command keeps the template as it is (an argv, env, resources… are not flattened)
    if (m_existing.id.isEmpty() || m_command->text() != m_initialCommand) {
        QJsonObject tpl = m_existing.jobTemplate;
        tpl.remove(QStringLiteral("argv"));
        tpl.insert(QStringLiteral("command"), m_command->text());
        body.insert(QStringLiteral("jobTemplate"), tpl);
    }
    m_buttons->setEnabled(false);
    setMessage(tr("Saving…"), false);
    QPointer<ScheduleDialog> self(this);
    auto done = [self](ClientResult<ScheduleView> r) {
        if (!self)
            return;
        self->m_buttons->setEnabled(true);
        if (!r) {
            FieldErrors::show(r.error(), self->fieldWidgets());
            const QJsonObject fields = r.error().detail.value(QStringLiteral("fields")).toObject();
            QStringList why;
            for (auto it = fields.begin(); it != fields.end(); ++it)
                why << QStringLiteral("%1: %2").arg(it.key(), it.value().toString());
            return self->setMessage(why.isEmpty() ? tr("Could not save: %1").arg(r.error().describe())
                                                  : tr("Could not save: %1").arg(why.join(QStringLiteral("; "))),
                true);
        }
        FieldErrors::clear(self->fieldWidgets());
        Q_EMIT self->saved(r.value().id);
        self->accept();
    };
    if (m_existing.id.isEmpty())
        m_session->client()->createSchedule(body, done);
    else
        m_session->client()->updateSchedule(m_existing.id, body, done);
}
