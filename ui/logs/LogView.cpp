#include "LogView.h"

#include "AnsiText.h"
#include "LogScanner.h"
#include "LogSource.h"

#include <QClipboard>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QLocale>
#include <QPainter>
#include <QScrollBar>
#include <QTimer>

namespace {
constexpr int Margin = 6;
constexpr int SourceColumnChars = 14;
constexpr int TimestampChars = 13; // "HH:mm:ss.zzz "
}

LogView::LogView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setObjectName(QStringLiteral("logView"));
    setFocusPolicy(Qt::StrongFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    viewport()->setCursor(Qt::IBeamCursor);
    viewport()->setAutoFillBackground(false);
    m_font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    updateMetrics();
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (m_programmatic)
            return;
        // a user's scroll: away from the end pauses following, back at the end resumes it
        setFollow(value >= verticalScrollBar()->maximum());
    });
}

LogView::~LogView() = default;

void LogView::updateMetrics()
{
    m_boldFont = m_font;
    m_boldFont.setBold(true);
    const QFontMetrics fm(m_font);
    m_lineHeight = std::max(1, fm.height());
    m_charWidth = std::max(1, fm.horizontalAdvance(QLatin1Char('M')));
    verticalScrollBar()->setSingleStep(1);
    horizontalScrollBar()->setSingleStep(m_charWidth * 4);
}

void LogView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange)
        viewport()->update();
    QAbstractScrollArea::changeEvent(event);
}

void LogView::setSource(LogSource *source)
{
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    delete m_filter;
    m_filter = nullptr;
    delete m_finder;
    m_finder = nullptr;
    m_source = source;
    m_anchorKey = m_cursorKey = -1;
    m_widestText = 0;
    if (source) {
        connect(source, &LogSource::appended, this, [this] {
            updateScrollRange();
            viewport()->update();
        });
        connect(source, &LogSource::loaded, this, [this] {
            viewport()->update();
            if (m_pendingCopy)
                copySelection();
        });
        connect(source, &LogSource::reset, this, [this] {
            m_anchorKey = m_cursorKey = -1;
            m_widestText = 0;
            if (m_filter) {
                m_filter->startCollect();
            }
            setFollow(true);
            updateScrollRange();
            viewport()->update();
        });
        connect(source, &LogSource::firstKeyChanged, this, &LogView::onFirstKeyChanged);
    }
    setFollow(true);
    updateScrollRange();
    viewport()->update();
}

qint64 LogView::rowCount() const
{
    if (!m_source)
        return 0;
    if (m_filter)
        return m_filter->keys().size();
    return std::max<qint64>(0, m_source->endKey() - m_source->firstKey());
}

qint64 LogView::rowKey(qint64 row) const
{
    if (m_filter)
        return row >= 0 && row < m_filter->keys().size() ? m_filter->keys()[row] : -1;
    return m_source ? m_source->firstKey() + row : -1;
}

qint64 LogView::rowOfKey(qint64 key) const
{
    if (m_filter) {
        const auto &k = m_filter->keys();
        return std::lower_bound(k.begin(), k.end(), key) - k.begin();
    }
    return m_source ? key - m_source->firstKey() : 0;
}

qint64 LogView::topRow() const
{
    return verticalScrollBar()->value();
}

int LogView::visibleRowCount() const
{
    return std::max(1, viewport()->height() / m_lineHeight);
}

qint64 LogView::rowAt(int y) const
{
    return topRow() + std::max(0, y) / m_lineHeight;
}

void LogView::setScrollValue(int value)
{
    m_programmatic = true;
    verticalScrollBar()->setValue(value);
    m_programmatic = false;
}

void LogView::updateScrollRange()
{
    const qint64 rows = rowCount();
    const int page = visibleRowCount();
    const qint64 max = std::max<qint64>(0, rows - page);
    m_programmatic = true;
    verticalScrollBar()->setPageStep(page);
    verticalScrollBar()->setRange(0, int(std::min<qint64>(max, INT_MAX)));
    if (m_follow)
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    m_programmatic = false;
    const int textWidth = m_widestText + Margin * 2;
    horizontalScrollBar()->setPageStep(viewport()->width());
    horizontalScrollBar()->setRange(0, std::max(0, textWidth - viewport()->width()));
    emit rowsChanged();
}

void LogView::setFollow(bool follow)
{
    if (follow == m_follow)
        return;
    m_follow = follow;
    emit followChanged(follow);
}

void LogView::jumpToEnd()
{
    setFollow(true);
    updateScrollRange();
    viewport()->update();
}

void LogView::scrollToRow(qint64 row)
{
    const int max = verticalScrollBar()->maximum();
    const int value = int(std::clamp<qint64>(row, 0, max));
    setScrollValue(value);
    setFollow(value >= max && rowCount() > 0 && row >= max);
    viewport()->update();
}

void LogView::onFirstKeyChanged(qint64 previous)
{
    // older lines went: keep the same lines in view (new ones never move it, dropped ones neither)
    qint64 shift = 0;
    if (m_filter)
        shift = m_filter->dropKeysBefore(m_source->firstKey());
    else
        shift = m_source->firstKey() - previous;
    updateScrollRange();
    if (!m_follow && shift > 0)
        setScrollValue(int(std::max<qint64>(0, topRow() - shift)));
    viewport()->update();
}

bool LogView::isRowLoaded(qint64 row) const
{
    LogLineRef ref;
    return m_source && row >= 0 && row < rowCount() && m_source->line(rowKey(row), ref);
}

QString LogView::rowText(qint64 row) const
{
    LogLineRef ref;
    if (!m_source || row < 0 || row >= rowCount() || !m_source->line(rowKey(row), ref))
        return {};
    return ref.gap > 0 ? gapText(ref.gap) : AnsiText::strip(ref.text);
}

bool LogView::rowIsStderr(qint64 row) const
{
    LogLineRef ref;
    return m_source && row >= 0 && row < rowCount() && m_source->line(rowKey(row), ref) && ref.stderrStream;
}

bool LogView::rowIsGap(qint64 row) const
{
    LogLineRef ref;
    return m_source && row >= 0 && row < rowCount() && m_source->line(rowKey(row), ref) && ref.gap > 0;
}

QString LogView::gapText(qint64 gap) const
{
    return tr("— %1 lines dropped by the log size cap —").arg(QLocale().toString(gap));
}

void LogView::setShowTimestamps(bool show)
{
    m_showTimestamps = show;
    m_widestText = 0;
    viewport()->update();
}

QRegularExpression LogView::smartCase(const QString &pattern)
{
    QRegularExpression re(pattern);
    bool upper = false;
    for (const QChar c : pattern)
        upper = upper || c.isUpper();
    if (!upper)
        re.setPatternOptions(QRegularExpression::CaseInsensitiveOption);
    return re;
}

bool LogView::filterCaughtUp() const
{
    return !m_filter || m_filter->caughtUp();
}

bool LogView::setFilter(const QString &pattern)
{
    const qint64 keepKey = rowKey(topRow());
    delete m_filter;
    m_filter = nullptr;
    if (!pattern.isEmpty() && m_source) {
        const QRegularExpression re = smartCase(pattern);
        if (!re.isValid()) {
            emit filterError(re.errorString());
            updateScrollRange();
            viewport()->update();
            return false;
        }
        m_filter = new LogScanner(m_source, re, this);
        connect(m_filter, &LogScanner::keysAdded, this, [this] {
            updateScrollRange();
            viewport()->update();
        });
        connect(m_filter, &LogScanner::progress, this,
            [this](qint64 done, qint64 total) { emit filterProgress(done, total, m_filter->caughtUp()); });
        connect(m_filter, &LogScanner::caughtUpChanged, this,
            [this](bool caught) { emit filterProgress(m_filter->done(), m_filter->total(), caught); });
        m_filter->startCollect();
    }
    emit filterError(QString());
    updateScrollRange();
    if (!m_follow && keepKey >= 0)
        setScrollValue(int(std::min<qint64>(rowOfKey(keepKey), INT_MAX)));
    viewport()->update();
    return true;
}

void LogView::setSearch(const QString &pattern)
{
    m_search = pattern.isEmpty() ? QRegularExpression() : smartCase(pattern);
    if (!m_search.isValid())
        m_search = QRegularExpression();
    viewport()->update();
}

void LogView::findNext()
{
    startFind(1);
}

void LogView::findPrevious()
{
    startFind(-1);
}

void LogView::startFind(int step)
{
    if (!m_source || m_search.pattern().isEmpty())
        return;
    delete m_finder;
    m_finder = new LogScanner(m_source, m_search, this);
    qint64 from = currentRow();
    if (from < 0)
        from = step > 0 ? topRow() - 1 : std::min(rowCount(), topRow() + visibleRowCount());
    connect(m_finder, &LogScanner::found, this, [this](qint64 row) {
        selectRows(row, row);
        setFollow(false);
        if (row < topRow() || row >= topRow() + visibleRowCount())
            setScrollValue(int(std::clamp<qint64>(row - visibleRowCount() / 2, 0, verticalScrollBar()->maximum())));
        viewport()->update();
        emit searchResult(true, row);
    });
    connect(m_finder, &LogScanner::notFound, this, [this] { emit searchResult(false, -1); });
    connect(m_finder, &LogScanner::progress, this, &LogView::searchProgress);
    m_finder->startFind(from, step, rowCount(), [this](qint64 row) { return rowKey(row); });
}

void LogView::selectRows(qint64 from, qint64 to)
{
    m_anchorKey = rowKey(from);
    m_cursorKey = rowKey(to);
    viewport()->update();
}

qint64 LogView::currentRow() const
{
    if (m_cursorKey < 0)
        return -1;
    const qint64 row = rowOfKey(m_cursorKey);
    return row >= 0 && row < rowCount() && rowKey(row) == m_cursorKey ? row : -1;
}

bool LogView::copySelection()
{
    m_pendingCopy = false;
    if (m_anchorKey < 0 || !m_source)
        return false;
    const qint64 a = rowOfKey(std::min(m_anchorKey, m_cursorKey));
    const qint64 b = std::min(rowCount() - 1, rowOfKey(std::max(m_anchorKey, m_cursorKey)));
    if (b < a)
        return false;
    if (b - a + 1 > MaxCopyLines) {
        emit message(
            tr("%1 lines are too many to copy; use Save log… for the whole log").arg(QLocale().toString(b - a + 1)));
        return false;
    }
    QString out;
    LogLineRef ref;
    for (qint64 row = a; row <= b; ++row) {
        const qint64 key = rowKey(row);
        if (!m_source->line(key, ref)) {
            // not all loaded: fetch and copy when they are here
            m_source->request(key, m_filter ? key + 1 : rowKey(b) + 1);
            m_pendingCopy = true;
            emit message(tr("Loading lines to copy…"));
            return true;
        }
        out += ref.gap > 0 ? gapText(ref.gap) : AnsiText::strip(ref.text);
        out += QLatin1Char('\n');
    }
    QGuiApplication::clipboard()->setText(out);
    emit copied(b - a + 1);
    emit message(tr("Copied %n line(s)", nullptr, int(std::min<qint64>(b - a + 1, INT_MAX))));
    return true;
}

void LogView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollRange();
}

void LogView::scrollContentsBy(int dx, int dy)
{
    Q_UNUSED(dx);
    Q_UNUSED(dy);
    viewport()->update();
}

void LogView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mousePressEvent(event);
    setFocus(Qt::MouseFocusReason);
    const qint64 row = std::min(rowAt(event->position().toPoint().y()), rowCount() - 1);
    if (row < 0)
        return;
    if ((event->modifiers() & Qt::ShiftModifier) && m_anchorKey >= 0)
        m_cursorKey = rowKey(row);
    else
        m_anchorKey = m_cursorKey = rowKey(row);
    viewport()->update();
}

void LogView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton) || m_anchorKey < 0)
        return QAbstractScrollArea::mouseMoveEvent(event);
    const int y = event->position().toPoint().y();
    if (y < 0)
        scrollToRow(topRow() - 1);
    else if (y > viewport()->height())
        scrollToRow(topRow() + 1);
    const qint64 row = std::clamp<qint64>(rowAt(std::min(y, viewport()->height() - 1)), 0, rowCount() - 1);
    m_cursorKey = rowKey(row);
    viewport()->update();
}

void LogView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy)) {
        copySelection();
        return;
    }
    if (event->matches(QKeySequence::SelectAll)) {
        if (rowCount() > 0)
            selectRows(0, rowCount() - 1);
        return;
    }
    switch (event->key()) {
    case Qt::Key_Up:
        scrollToRow(topRow() - 1);
        return;
    case Qt::Key_Down:
        scrollToRow(topRow() + 1);
        return;
    case Qt::Key_PageUp:
        scrollToRow(topRow() - visibleRowCount());
        return;
    case Qt::Key_PageDown:
        scrollToRow(topRow() + visibleRowCount());
        return;
    case Qt::Key_Home:
        scrollToRow(0);
        return;
    case Qt::Key_End:
        jumpToEnd();
        return;
    default:
        QAbstractScrollArea::keyPressEvent(event);
    }
}

void LogView::paintEvent(QPaintEvent *)
{
    QElapsedTimer timer;
    timer.start();
    QPainter p(viewport());
    const QPalette &pal = palette();
    p.fillRect(viewport()->rect(), pal.color(QPalette::Base));
    p.setFont(m_font);
    const qint64 rows = rowCount();
    const qint64 top = topRow();
    const int n = visibleRowCount() + 1;
    int textX = Margin - horizontalScrollBar()->value();
    const bool sourceColumn = m_source && m_source->hasSourceColumn();
    if (sourceColumn)
        textX += SourceColumnChars * m_charWidth;
    if (m_showTimestamps)
        textX += TimestampChars * m_charWidth;
    const qint64 selA = std::min(m_anchorKey, m_cursorKey), selB = std::max(m_anchorKey, m_cursorKey);
    QColor stderrTint(220, 50, 47, pal.color(QPalette::Base).lightness() > 128 ? 28 : 56);
    QList<qint64> missing;
    LogLineRef ref;
    for (int i = 0; i < n && top + i < rows; ++i) {
        const qint64 key = rowKey(top + i);
        const int y = i * m_lineHeight;
        const QRect band(0, y, viewport()->width(), m_lineHeight);
        const bool selected = m_anchorKey >= 0 && key >= selA && key <= selB;
        if (!m_source->line(key, ref)) {
            missing.append(key);
            if (selected)
                p.fillRect(band, pal.color(QPalette::Highlight));
            p.setPen(pal.color(QPalette::PlaceholderText));
            p.drawText(QRect(textX, y, 2000, m_lineHeight), Qt::AlignVCenter, QStringLiteral("…"));
            continue;
        }
        if (ref.gap > 0) {
            p.fillRect(band, selected ? pal.color(QPalette::Highlight) : pal.color(QPalette::AlternateBase));
            p.setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DashLine));
            p.drawLine(band.left(), band.center().y(), band.right(), band.center().y());
            QFont f = m_font;
            f.setItalic(true);
            p.setFont(f);
            const QString t = gapText(ref.gap);
            const QRect tr = p.fontMetrics().boundingRect(t).adjusted(-8, 0, 8, 0);
            const QRect box(Margin + 40, y, tr.width(), m_lineHeight);
            p.fillRect(box, selected ? pal.color(QPalette::Highlight) : pal.color(QPalette::AlternateBase));
            p.setPen(selected ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text));
            p.drawText(box, Qt::AlignCenter, t);
            p.setFont(m_font);
            continue;
        }
        if (selected)
            p.fillRect(band, pal.color(QPalette::Highlight));
        else if (ref.stderrStream)
            p.fillRect(band, stderrTint);
        if (ref.stderrStream)
            p.fillRect(QRect(0, y, 3, m_lineHeight), QColor(220, 50, 47));
        int x = Margin - horizontalScrollBar()->value();
        const QColor dim = selected ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::PlaceholderText);
        if (sourceColumn) {
            p.setPen(dim);
            p.drawText(QRect(x, y, (SourceColumnChars - 1) * m_charWidth, m_lineHeight), Qt::AlignVCenter,
                p.fontMetrics().elidedText(
                    m_source->sourceName(ref.source), Qt::ElideMiddle, (SourceColumnChars - 1) * m_charWidth));
            x += SourceColumnChars * m_charWidth;
        }
        if (m_showTimestamps) {
            p.setPen(dim);
            p.drawText(QPoint(x, y + p.fontMetrics().ascent()),
                QDateTime::fromMSecsSinceEpoch(ref.tsMs).toString(QStringLiteral("HH:mm:ss.zzz")));
        }
        paintLine(p, ref, y, textX);
        if (selected) {
            // selection keeps its colours readable over any ANSI colour
        }
    }
    if (!missing.isEmpty() && m_source) {
        if (m_filter) {
            for (qint64 k : std::as_const(missing))
                m_source->request(k, k + 1);
        } else {
            m_source->request(missing.first(), missing.last() + 1);
        }
    }
    m_lastPaintNs = timer.nsecsElapsed();
    ++m_paintCount;
}

void LogView::paintLine(QPainter &p, const LogLineRef &ref, int y, int textX)
{
    const QPalette &pal = palette();
    const AnsiText::Styled styled = AnsiText::parse(ref.text);
    QString text = styled.text;
    text.replace(QLatin1Char('\t'), QLatin1Char(' '));
    // only what can be seen is drawn: a 64 KiB line costs what a short one does
    const int hidden = std::max(0, -textX / m_charWidth - 1);
    const int visible = viewport()->width() / m_charWidth + 4;
    const int from = std::min(int(text.size()), hidden);
    const int to = std::min(int(text.size()), hidden + visible);
    m_widestText = std::max(m_widestText, textX + horizontalScrollBar()->value() + int(text.size()) * m_charWidth);
    const int baseline = y + QFontMetrics(m_font).ascent();
    if (m_search.isValid() && !m_search.pattern().isEmpty()) {
        auto it = m_search.globalMatch(text);
        while (it.hasNext()) {
            const auto m = it.next();
            if (m.capturedLength() == 0)
                break;
            const int s = int(m.capturedStart()), e = int(m.capturedEnd());
            if (e <= from || s >= to)
                continue;
            p.fillRect(
                QRect(textX + s * m_charWidth, y, (e - s) * m_charWidth, m_lineHeight), QColor(255, 213, 0, 160));
        }
    }
    const QColor fg = pal.color(QPalette::Text);
    auto draw = [&](int s, int e, const AnsiText::Run *run) {
        s = std::max(s, from);
        e = std::min(e, to);
        if (e <= s)
            return;
        const int x = textX + s * m_charWidth;
        if (run && run->bg.isValid())
            p.fillRect(QRect(x, y, (e - s) * m_charWidth, m_lineHeight), run->bg);
        QFont f = run && run->bold ? m_boldFont : m_font;
        if (run && (run->italic || run->underline)) {
            f.setItalic(run->italic);
            f.setUnderline(run->underline);
        }
        p.setFont(f);
        p.setPen(run && run->fg.isValid() ? run->fg : fg);
        p.drawText(QPoint(x, baseline), text.mid(s, e - s));
    };
    int pos = 0;
    for (const AnsiText::Run &run : styled.runs) {
        draw(pos, run.start, nullptr);
        draw(run.start, run.start + run.length, &run);
        pos = run.start + run.length;
    }
    draw(pos, int(text.size()), nullptr);
    p.setFont(m_font);
}
