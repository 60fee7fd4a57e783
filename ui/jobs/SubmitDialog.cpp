// The submit dialog: builds a /v0/jobs body from the form, checks it against docs/api.md's ranges, and
// sends it with an idempotency key; a 422's fields{} are shown next to the fields they name.
#include "SubmitDialog.h"

#include "ComputeClient.h"
#include "ConsoleSession.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QPlainTextEdit>
#include <QPointer>
#include <QRegularExpression>
#include <QSpinBox>
#include <QUuid>

namespace {
constexpr int MaxCommandBytes = 64 * 1024;
constexpr int MaxEnv = 256;

// "k=v" or "k:v" items separated by commas or new lines
QList<QPair<QString, QString>> pairs(const QString &text, QStringList *bad)
{
    QList<QPair<QString, QString>> out;
    static const QRegularExpression sep(QStringLiteral("[,\\n]"));
    for (const QString &raw : text.split(sep, Qt::SkipEmptyParts)) {
        const QString item = raw.trimmed();
        if (item.isEmpty())
            continue;
        qsizetype at = item.indexOf(QLatin1Char('='));
        if (at < 0)
            at = item.indexOf(QLatin1Char(':'));
        if (at <= 0)
            bad->append(item);
        else
            out.append({item.left(at).trimmed(), item.mid(at + 1).trimmed()});
    }
    return out;
}
}

SubmitDialog::SubmitDialog(ConsoleSession *session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_idempotencyKey(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    setObjectName(QStringLiteral("submitDialog"));
    setWindowTitle(tr("Submit a job"));
    auto *form = new QFormLayout;
    auto *formHost = new QWidget(this);
    formHost->setLayout(form);

    auto addRow = [&](const QString &label, QWidget *field, const QString &apiField, const QString &name) {
        field->setObjectName(name);
        auto *box = new QWidget(formHost);
        auto *v = new QVBoxLayout(box);
        v->setContentsMargins(0, 0, 0, 0);
        v->setSpacing(2);
        v->addWidget(field);
        v->addWidget(errorLabel(apiField, box, apiField + QStringLiteral("Error")));
        form->addRow(label, box);
    };

    m_kind = new QComboBox;
    m_kind->addItem(tr("Shell command (sh -c)"), QStringLiteral("command"));
    m_kind->addItem(tr("Program and arguments, one per line"), QStringLiteral("argv"));
    m_kind->setObjectName(QStringLiteral("commandKind"));
    form->addRow(tr("Run as"), m_kind);
    m_command = new QPlainTextEdit;
    m_command->setPlaceholderText(tr("echo hello from $(hostname)"));
    m_command->setTabChangesFocus(true);
    m_command->setMaximumHeight(90);
    addRow(tr("&Command"), m_command, QStringLiteral("command"), QStringLiteral("commandEdit"));
    m_type = new QComboBox;
    m_type->setEditable(true);
    m_type->addItems({QStringLiteral("COMMAND"), QStringLiteral("CONTAINER")});
    addRow(tr("&Type"), m_type, QStringLiteral("type"), QStringLiteral("typeEdit"));
    m_env = new QPlainTextEdit;
    m_env->setPlaceholderText(tr("KEY=value, one a line"));
    m_env->setTabChangesFocus(true);
    m_env->setMaximumHeight(70);
    addRow(tr("&Environment"), m_env, QStringLiteral("env"), QStringLiteral("envEdit"));
    m_secrets = new QLineEdit;
    m_secrets->setPlaceholderText(tr("names of env entries to redact from logs, comma separated"));
    addRow(tr("&Secrets"), m_secrets, QStringLiteral("secrets"), QStringLiteral("secretsEdit"));
    m_labels = new QLineEdit;
    m_labels->setPlaceholderText(tr("gpu=a100, zone=eu (the agent must carry each)"));
    addRow(tr("&Labels"), m_labels, QStringLiteral("labels"), QStringLiteral("labelsEdit"));
    m_cpu = new QDoubleSpinBox;
    m_cpu->setRange(0, 1024);
    m_cpu->setDecimals(2);
    addRow(tr("C&PU cores"), m_cpu, QStringLiteral("resources.cpu"), QStringLiteral("cpuSpin"));
    m_mem = new QDoubleSpinBox;
    m_mem->setRange(0, 16384);
    m_mem->setDecimals(2);
    m_mem->setSuffix(tr(" GiB"));
    addRow(tr("&Memory"), m_mem, QStringLiteral("resources.memGib"), QStringLiteral("memSpin"));
    m_gpus = new QSpinBox;
    m_gpus->setRange(0, 64);
    addRow(tr("&GPUs"), m_gpus, QStringLiteral("resources.gpus"), QStringLiteral("gpusSpin"));
    m_timeout = new QSpinBox;
    m_timeout->setRange(0, 604800);
    m_timeout->setSpecialValueText(tr("none"));
    m_timeout->setSuffix(tr(" s"));
    addRow(tr("T&imeout"), m_timeout, QStringLiteral("timeoutSeconds"), QStringLiteral("timeoutSpin"));
    m_priority = new QSpinBox;
    m_priority->setRange(-1000, 1000);
    addRow(tr("P&riority"), m_priority, QStringLiteral("priority"), QStringLiteral("prioritySpin"));
    m_retries = new QSpinBox;
    m_retries->setRange(0, 10);
    addRow(tr("Re&tries"), m_retries, QStringLiteral("maxRetries"), QStringLiteral("retriesSpin"));
    m_workingDir = new QLineEdit;
    m_workingDir->setPlaceholderText(tr("default: a fresh directory per attempt"));
    addRow(tr("&Working dir"), m_workingDir, QStringLiteral("workingDir"), QStringLiteral("workingDirEdit"));
    m_errors.insert(QStringLiteral("argv"), m_errors.value(QStringLiteral("command")));
    m_errors.insert(QStringLiteral("image"), m_errors.value(QStringLiteral("type")));
    m_errors.insert(QStringLiteral("cmd"), m_errors.value(QStringLiteral("type")));
    m_errors.insert(QStringLiteral("resources"), m_errors.value(QStringLiteral("resources.cpu")));

    m_general = new QLabel(this);
    m_general->setObjectName(QStringLiteral("submitError"));
    m_general->setWordWrap(true);
    m_general->setStyleSheet(QStringLiteral("color: #cf222e"));
    m_general->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_submit = buttons->addButton(tr("&Submit"), QDialogButtonBox::AcceptRole);
    m_submit->setObjectName(QStringLiteral("submitButton"));
    m_submit->setDefault(true);
    m_submit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    connect(buttons, &QDialogButtonBox::accepted, this, &SubmitDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(formHost);
    layout->addWidget(m_general);
    layout->addWidget(buttons);
    m_command->setFocus();
}

QLabel *SubmitDialog::errorLabel(const QString &field, QWidget *parent, const QString &objectName)
{
    auto *l = new QLabel(parent);
    l->setObjectName(QString(objectName).remove(QLatin1Char('.')));
    l->setWordWrap(true);
    l->setStyleSheet(QStringLiteral("color: #cf222e"));
    l->hide();
    m_errors.insert(field, l);
    return l;
}

void SubmitDialog::setCommand(const QString &shellCommand)
{
    m_kind->setCurrentIndex(0);
    m_command->setPlainText(shellCommand);
}

void SubmitDialog::prefill(const QJsonObject &job)
{
    if (job.contains(QLatin1String("argv"))) {
        QStringList argv;
        for (const QJsonValue &v : job.value(QLatin1String("argv")).toArray())
            argv.append(v.toString());
        m_kind->setCurrentIndex(1);
        m_command->setPlainText(argv.join(QLatin1Char('\n')));
    } else {
        setCommand(job.value(QLatin1String("command")).toString());
    }
    m_type->setCurrentText(job.value(QLatin1String("type")).toString(QStringLiteral("COMMAND")));
    QStringList env;
    const QJsonObject e = job.value(QLatin1String("env")).toObject();
    for (auto it = e.begin(); it != e.end(); ++it)
        env.append(it.key() + QLatin1Char('=') + it.value().toString());
    m_env->setPlainText(env.join(QLatin1Char('\n')));
    QStringList secrets;
    for (const QJsonValue &v : job.value(QLatin1String("secrets")).toArray())
        secrets.append(v.toString());
    m_secrets->setText(secrets.join(QStringLiteral(", ")));
    QStringList labels;
    const QJsonObject l = job.value(QLatin1String("labels")).toObject();
    for (auto it = l.begin(); it != l.end(); ++it)
        labels.append(it.key() + QLatin1Char('=') + it.value().toString());
    m_labels->setText(labels.join(QStringLiteral(", ")));
    const QJsonObject res = job.value(QLatin1String("resources")).toObject();
    m_cpu->setValue(res.value(QLatin1String("cpu")).toDouble());
    m_mem->setValue(res.value(QLatin1String("memGib")).toDouble());
    m_gpus->setValue(res.value(QLatin1String("gpus")).toInt());
    m_timeout->setValue(job.value(QLatin1String("timeoutSeconds")).toInt());
    m_priority->setValue(job.value(QLatin1String("priority")).toInt());
    m_retries->setValue(job.value(QLatin1String("maxRetries")).toInt());
    m_workingDir->setText(job.value(QLatin1String("workingDir")).toString());
    m_extra = {};
    for (const char *k : {"artifacts", "image", "cmd"}) {
        if (job.contains(QLatin1String(k)))
            m_extra.insert(QLatin1String(k), job.value(QLatin1String(k)));
    }
}

void SubmitDialog::clearErrors()
{
    for (QLabel *l : std::as_const(m_errors)) {
        l->clear();
        l->hide();
    }
    m_general->clear();
    m_general->hide();
}

void SubmitDialog::showError(const QString &field, const QString &message)
{
    QLabel *l = m_errors.value(field);
    if (!l) {
        l = m_general;
        const QString line = field.isEmpty() ? message : tr("%1: %2").arg(field, message);
        l->setText(l->text().isEmpty() ? line : l->text() + QLatin1Char('\n') + line);
    } else {
        l->setText(l->text().isEmpty() ? message : l->text() + QLatin1Char('\n') + message);
    }
    l->show();
}

QString SubmitDialog::fieldError(const QString &field) const
{
    const QLabel *l = m_errors.value(field);
    return l && !l->isHidden() ? l->text() : QString();
}

QJsonObject SubmitDialog::validatedBody()
{
    clearErrors();
    QJsonObject body = m_extra;
    bool ok = true;
    auto fail = [&](const QString &field, const QString &message) {
        showError(field, message);
        ok = false;
    };
    const QString text = m_command->toPlainText();
    const QString type = m_type->currentText().trimmed();
    if (!type.isEmpty())
        body.insert(QStringLiteral("type"), type);
    if (m_kind->currentData().toString() == QLatin1String("argv")) {
        QStringList argv;
        for (const QString &a : text.split(QLatin1Char('\n'))) {
            if (!a.trimmed().isEmpty())
                argv.append(a);
        }
        if (argv.isEmpty() && type != QLatin1String("CONTAINER"))
            fail(QStringLiteral("command"), tr("give the program to run"));
        else if (!argv.isEmpty())
            body.insert(QStringLiteral("argv"), QJsonArray::fromStringList(argv));
    } else if (text.trimmed().isEmpty() && type != QLatin1String("CONTAINER")) {
        fail(QStringLiteral("command"), tr("give a command to run"));
    } else if (text.toUtf8().size() > MaxCommandBytes) {
        fail(QStringLiteral("command"), tr("at most 64 KiB"));
    } else if (!text.trimmed().isEmpty()) {
        body.insert(QStringLiteral("command"), text);
    }

    QStringList bad;
    const auto env = pairs(m_env->toPlainText().replace(QLatin1Char(','), QLatin1Char('\n')), &bad);
    QJsonObject envObj;
    for (const auto &[k, v] : env)
        envObj.insert(k, v);
    if (!bad.isEmpty())
        fail(QStringLiteral("env"), tr("write KEY=value: %1").arg(bad.join(QStringLiteral(", "))));
    else if (envObj.size() > MaxEnv)
        fail(QStringLiteral("env"), tr("at most %1 entries").arg(MaxEnv));
    else if (!envObj.isEmpty())
        body.insert(QStringLiteral("env"), envObj);

    QStringList secrets;
    for (const QString &s : m_secrets->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!s.trimmed().isEmpty())
            secrets.append(s.trimmed());
    }
    for (const QString &s : std::as_const(secrets)) {
        if (!envObj.contains(s))
            fail(QStringLiteral("secrets"), tr("%1 is not an env entry").arg(s));
    }
    if (!secrets.isEmpty())
        body.insert(QStringLiteral("secrets"), QJsonArray::fromStringList(secrets));

    bad.clear();
    QJsonObject labels;
    for (const auto &[k, v] : pairs(m_labels->text(), &bad))
        labels.insert(k, v);
    if (!bad.isEmpty())
        fail(QStringLiteral("labels"), tr("write key=value: %1").arg(bad.join(QStringLiteral(", "))));
    else if (!labels.isEmpty())
        body.insert(QStringLiteral("labels"), labels);

    QJsonObject res;
    if (m_cpu->value() > 0)
        res.insert(QStringLiteral("cpu"), m_cpu->value());
    if (m_mem->value() > 0)
        res.insert(QStringLiteral("memGib"), m_mem->value());
    if (m_gpus->value() > 0)
        res.insert(QStringLiteral("gpus"), m_gpus->value());
    if (!res.isEmpty())
        body.insert(QStringLiteral("resources"), res);
    if (m_timeout->value() > 0)
        body.insert(QStringLiteral("timeoutSeconds"), m_timeout->value());
    if (m_priority->value() != 0)
        body.insert(QStringLiteral("priority"), m_priority->value());
    if (m_retries->value() > 0)
        body.insert(QStringLiteral("maxRetries"), m_retries->value());
    const QString dir = m_workingDir->text().trimmed();
    if (!dir.isEmpty())
        body.insert(QStringLiteral("workingDir"), dir);
    return ok ? body : QJsonObject();
}

void SubmitDialog::submit()
{
    const QJsonObject body = validatedBody();
    if (body.isEmpty())
        return; // the errors are shown; nothing was sent
    m_submit->setEnabled(false);
    QPointer<SubmitDialog> self(this);
    m_session->client()->submitJob(body, m_idempotencyKey, [self](ClientResult<SubmittedJob> r) {
        if (!self)
            return;
        self->m_submit->setEnabled(true);
        if (!r) {
            const ClientError &e = r.error();
            const QJsonObject fields = e.detail.value(QLatin1String("fields")).toObject();
            if (e.isHttp(422) && !fields.isEmpty()) {
                for (auto it = fields.begin(); it != fields.end(); ++it)
                    self->showError(it.key(), it.value().toString());
            } else {
                self->showError(QString(), e.describe());
            }
            // a refused body, fixed and sent again, is a new job (a new key); a lost answer keeps the key
            if (e.kind == ClientError::Kind::Http && e.status >= 400 && e.status < 500)
                self->m_idempotencyKey = QUuid::createUuid().toString(QUuid::WithoutBraces);
            return;
        }
        self->m_session->noteSubmitted(r.value().id);
        emit self->submitted(r.value().id);
        self->accept();
    });
}
