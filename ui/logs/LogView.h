// A log viewer that paints only the lines in view (monospace, uniform line height, the vertical scrollbar
// in lines), so a log of 10 million lines scrolls like a short one: follow mode that pauses when the user
// scrolls up, a live regex filter and search over the whole log (LogScanner), stderr tinted, ANSI colours,
// timestamps, the size-cap gap as a marked line, whole-line selection and copy without escape codes.
#pragma once

#include <QAbstractScrollArea>
#include <QPointer>
#include <QRegularExpression>

class LogSource;
class LogScanner;
struct LogLineRef;

class LogView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    static constexpr qint64 MaxCopyLines = 200000;

    explicit LogView(QWidget *parent = nullptr);
    ~LogView() override;

    void setSource(LogSource *source);
    LogSource *source() const { return m_source; }

    // Rows are what is shown: every line, or the matches of the filter.
    qint64 rowCount() const;
    qint64 rowKey(qint64 row) const;
    qint64 rowOfKey(qint64 key) const;
    qint64 topRow() const;
    int visibleRowCount() const;
    void scrollToRow(qint64 row); // a user's move: pauses following unless it is the end
    bool isRowLoaded(qint64 row) const;
    // The row's text as copied (escape codes stripped; the gap's marker text), empty when not loaded.
    QString rowText(qint64 row) const;
    bool rowIsStderr(qint64 row) const;
    bool rowIsGap(qint64 row) const;

    bool isFollowing() const { return m_follow; }
    void jumpToEnd();

    void setShowTimestamps(bool show);
    bool showTimestamps() const { return m_showTimestamps; }

    // Empty clears the filter. Case-insensitive unless the pattern has a capital letter.
    bool setFilter(const QString &pattern);
    bool isFiltered() const { return m_filter != nullptr; }
    bool filterCaughtUp() const;
    void setSearch(const QString &pattern);
    void findNext();
    void findPrevious();

    void selectRows(qint64 from, qint64 to);
    bool hasSelection() const { return m_anchorKey >= 0; }
    qint64 currentRow() const;
    // Copies the selected lines (fetching those not loaded first); false when too many or nothing selected.
    bool copySelection();

    int lineHeight() const { return m_lineHeight; }
    qint64 lastPaintNs() const { return m_lastPaintNs; }
    qint64 paintCount() const { return m_paintCount; }

    static QRegularExpression smartCase(const QString &pattern);

signals:
    void followChanged(bool following);
    void filterProgress(qint64 done, qint64 total, bool caughtUp);
    void filterError(const QString &error);
    void searchResult(bool found, qint64 row);
    void searchProgress(qint64 done, qint64 total);
    void copied(qint64 lines);
    void message(const QString &text);
    void rowsChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void changeEvent(QEvent *event) override;

private:
    void updateMetrics();
    void updateScrollRange();
    void setFollow(bool follow);
    void setScrollValue(int value);
    void onFirstKeyChanged(qint64 previous);
    void startFind(int step);
    qint64 rowAt(int y) const;
    QString gapText(qint64 gap) const;
    void paintLine(QPainter &p, const LogLineRef &ref, int y, int textX);

    QPointer<LogSource> m_source;
    LogScanner *m_filter = nullptr;
    LogScanner *m_finder = nullptr;
    QRegularExpression m_search;
    bool m_follow = true;
    bool m_programmatic = false;
    bool m_showTimestamps = false;
    bool m_pendingCopy = false;
    qint64 m_anchorKey = -1;
    qint64 m_cursorKey = -1;
    int m_lineHeight = 16;
    int m_charWidth = 8;
    int m_widestText = 0;
    QFont m_font;
    QFont m_boldFont;
    qint64 m_lastPaintNs = 0;
    qint64 m_paintCount = 0;
};
