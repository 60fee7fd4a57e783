// GPU discovery and allocation: the nvidia-smi CSV parser, detect() on a GPU-less machine, and
// GpuAllocator's whole-device bookkeeping.
#include "GpuAllocator.h"
#include "GpuInventory.h"

#include <QtTest>

#include <dlfcn.h>

class TestGpuInventory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesRealisticCsv();
    void parseFields_data();
    void parseFields();
    void skipsMalformedLines_data();
    void skipsMalformedLines();
    void detectWithoutGpus();
    void detectFallsBackToNvidiaSmi_data();
    void detectFallsBackToNvidiaSmi();

    void allocatesExactCount_data();
    void allocatesExactCount();
    void neverSharesDevices();
    void releaseFreesDevices();
    void sameJobIsIdempotent();
    void duplicateIndexesCountOnce();
    void cudaVisibleDevices_data();
    void cudaVisibleDevices();
};

void TestGpuInventory::parsesRealisticCsv()
{
    const QByteArray csv =
        "0, GPU-5d3e1f2a-9b7c-4e11-8a55-0c2d3e4f5a6b, NVIDIA H100 80GB HBM3, 81559, 0, 0\n"
        "1, GPU-a1b2c3d4-0000-1111-2222-333344445555, NVIDIA H100 80GB HBM3, 81559, 40213, 97\r\n"
        "\n";
    const QList<GpuDevice> gpus = GpuInventory::parseNvidiaSmiCsv(csv);
    QCOMPARE(gpus.size(), 2);
    QCOMPARE(gpus[0].index, 0);
    QCOMPARE(gpus[0].uuid, QStringLiteral("GPU-5d3e1f2a-9b7c-4e11-8a55-0c2d3e4f5a6b"));
    QCOMPARE(gpus[0].model, QStringLiteral("NVIDIA H100 80GB HBM3"));
    QCOMPARE(gpus[0].memoryTotalMiB, 81559);
    QCOMPARE(gpus[0].memoryUsedMiB, 0);
    QCOMPARE(gpus[0].utilizationPercent, 0);
    QCOMPARE(gpus[1].index, 1);
    QCOMPARE(gpus[1].memoryUsedMiB, 40213);
    QCOMPARE(gpus[1].utilizationPercent, 97);
}

void TestGpuInventory::parseFields_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("model");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<qint64>("used");
    QTest::addColumn<int>("utilization");

    QTest::newRow("no spaces") << QByteArray("3,GPU-x,Tesla T4,15360,5,12") << 3 << "Tesla T4" << qint64(15360)
                               << qint64(5) << 12;
    QTest::newRow("N/A utilization") << QByteArray("0, GPU-x, NVIDIA A100-SXM4-40GB, 40960, 1, [N/A]") << 0
                                     << "NVIDIA A100-SXM4-40GB" << qint64(40960) << qint64(1) << 0;
    QTest::newRow("not supported memory")
        << QByteArray("1, GPU-y, NVIDIA GH200, [Not Supported], [Not Supported], 7") << 1 << "NVIDIA GH200"
        << qint64(0) << qint64(0) << 7;
    QTest::newRow("bare N/A") << QByteArray("2, GPU-z, GPU, N/A, N/A, N/A") << 2 << "GPU" << qint64(0) << qint64(0) << 0;
    QTest::newRow("extra spaces and tabs") << QByteArray("  4 ,\tGPU-w ,  NVIDIA L4  , 23034 , 100 , 3  ") << 4
                                           << "NVIDIA L4" << qint64(23034) << qint64(100) << 3;
    QTest::newRow("comma in name") << QByteArray("5, GPU-v, Weird, Inc. Card, 1024, 2, 50") << 5
                                   << "Weird, Inc. Card" << qint64(1024) << qint64(2) << 50;
    QTest::newRow("decimal values") << QByteArray("6, GPU-u, Card, 1024.0, 2.4, 50.6") << 6 << "Card"
                                    << qint64(1024) << qint64(2) << 51;
    QTest::newRow("utilization clamped") << QByteArray("7, GPU-t, Card, 1, 1, 250") << 7 << "Card" << qint64(1)
                                         << qint64(1) << 100;
}

void TestGpuInventory::parseFields()
{
    QFETCH(QByteArray, line);
    QFETCH(int, index);
    QFETCH(QString, model);
    QFETCH(qint64, total);
    QFETCH(qint64, used);
    QFETCH(int, utilization);
    const QList<GpuDevice> gpus = GpuInventory::parseNvidiaSmiCsv(line);
    QCOMPARE(gpus.size(), 1);
    QCOMPARE(gpus[0].index, index);
    QCOMPARE(gpus[0].model, model);
    QCOMPARE(gpus[0].memoryTotalMiB, total);
    QCOMPARE(gpus[0].memoryUsedMiB, used);
    QCOMPARE(gpus[0].utilizationPercent, utilization);
}

void TestGpuInventory::skipsMalformedLines_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<int>("count");
    QTest::newRow("empty") << QByteArray() << 0;
    QTest::newRow("blank lines") << QByteArray("\n\n  \r\n") << 0;
    QTest::newRow("garbage") << QByteArray("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n")
                             << 0;
    QTest::newRow("header line") << QByteArray("index, uuid, name, memory.total [MiB], memory.used [MiB], utilization.gpu [%]\n"
                                               "0, GPU-a, Card, 10, 1, 1\n")
                                 << 1;
    QTest::newRow("too few fields") << QByteArray("0, GPU-a, Card, 10\n1, GPU-b, Card, 10, 1, 1\n") << 1;
    QTest::newRow("bad number") << QByteArray("0, GPU-a, Card, lots, 1, 1\n") << 0;
    QTest::newRow("negative index") << QByteArray("-1, GPU-a, Card, 10, 1, 1\n") << 0;
    QTest::newRow("binary") << QByteArray("\x00\xff\xfe,,,,,\n", 9) << 0;
}

void TestGpuInventory::skipsMalformedLines()
{
    QFETCH(QByteArray, csv);
    QFETCH(int, count);
    QCOMPARE(GpuInventory::parseNvidiaSmiCsv(csv).size(), count);
}

void TestGpuInventory::detectWithoutGpus()
{
    // On a GPU-less machine this must simply return; where GPUs exist, they must look sane.
    const QList<GpuDevice> gpus = GpuInventory::detect();
    for (const GpuDevice &gpu : gpus) {
        QVERIFY(gpu.index >= 0);
        QVERIFY(gpu.memoryTotalMiB >= 0);
        QVERIFY(gpu.utilizationPercent >= 0 && gpu.utilizationPercent <= 100);
    }
}

void TestGpuInventory::detectFallsBackToNvidiaSmi_data()
{
    QTest::addColumn<QByteArray>("script");
    QTest::addColumn<int>("count");
    QTest::newRow("two gpus") << QByteArray("printf '0, GPU-a, NVIDIA H100 80GB HBM3, 81559, 0, 0\\n"
                                            "1, GPU-b, NVIDIA H100 80GB HBM3, 81559, 12, [N/A]\\n'")
                              << 2;
    QTest::newRow("driver missing") << QByteArray("echo 'NVIDIA-SMI has failed' >&2; exit 9") << 0;
}

void TestGpuInventory::detectFallsBackToNvidiaSmi()
{
    if (void *nvml = ::dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL)) {
        ::dlclose(nvml);
        QSKIP("NVML present: detect() does not reach nvidia-smi here");
    }
    QFETCH(QByteArray, script);
    QFETCH(int, count);
    QTemporaryDir bin;
    QVERIFY(bin.isValid());
    QFile smi(bin.filePath(QStringLiteral("nvidia-smi")));
    QVERIFY(smi.open(QIODevice::WriteOnly));
    smi.write("#!/bin/sh\n" + script + "\n");
    smi.close();
    QVERIFY(smi.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

    const QByteArray oldPath = qgetenv("PATH");
    qputenv("PATH", QFile::encodeName(bin.path()) + ':' + oldPath);
    const QList<GpuDevice> gpus = GpuInventory::detect();
    qputenv("PATH", oldPath);

    QCOMPARE(gpus.size(), count);
    if (count == 2) {
        QCOMPARE(gpus[1].uuid, QStringLiteral("GPU-b"));
        QCOMPARE(gpus[1].memoryUsedMiB, 12);
        QCOMPARE(gpus[1].utilizationPercent, 0);
    }
}

void TestGpuInventory::allocatesExactCount_data()
{
    QTest::addColumn<int>("devices");
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("granted");
    QTest::newRow("zero") << 4 << 0 << true;
    QTest::newRow("one") << 4 << 1 << true;
    QTest::newRow("all") << 4 << 4 << true;
    QTest::newRow("too many") << 4 << 5 << false;
    QTest::newRow("none installed") << 0 << 1 << false;
    QTest::newRow("none installed, zero asked") << 0 << 0 << true;
    QTest::newRow("negative") << 2 << -1 << false;
}

void TestGpuInventory::allocatesExactCount()
{
    QFETCH(int, devices);
    QFETCH(int, count);
    QFETCH(bool, granted);
    QList<int> indexes;
    for (int i = 0; i < devices; ++i)
        indexes << i;
    GpuAllocator allocator(indexes);
    const auto got = allocator.allocate(QStringLiteral("job"), count);
    QCOMPARE(got.has_value(), granted);
    if (granted) {
        QCOMPARE(got->size(), count);
        QCOMPARE(allocator.freeCount(), devices - count);
    } else {
        QCOMPARE(allocator.freeCount(), devices);   // a refused request holds nothing
    }
}

void TestGpuInventory::neverSharesDevices()
{
    GpuAllocator allocator({0, 1, 2, 3});
    const auto a = allocator.allocate(QStringLiteral("a"), 2);
    const auto b = allocator.allocate(QStringLiteral("b"), 2);
    QVERIFY(a && b);
    for (int idx : *a)
        QVERIFY(!b->contains(idx));
    QCOMPARE(allocator.freeCount(), 0);
    QVERIFY(!allocator.allocate(QStringLiteral("c"), 1));
    QCOMPARE(allocator.allocate(QStringLiteral("d"), 0), std::optional<QList<int>>(QList<int>()));
}

void TestGpuInventory::releaseFreesDevices()
{
    GpuAllocator allocator({0, 1, 2});
    const auto a = allocator.allocate(QStringLiteral("a"), 2);
    QVERIFY(a);
    QVERIFY(!allocator.allocate(QStringLiteral("b"), 2));
    allocator.release(QStringLiteral("a"));
    QCOMPARE(allocator.freeCount(), 3);
    allocator.release(QStringLiteral("a"));          // twice is harmless
    allocator.release(QStringLiteral("unknown"));
    QCOMPARE(allocator.freeCount(), 3);
    const auto b = allocator.allocate(QStringLiteral("b"), 3);
    QVERIFY(b);
    QCOMPARE(b->size(), 3);
    QVERIFY(allocator.devicesOf(QStringLiteral("a")).isEmpty());
}

void TestGpuInventory::sameJobIsIdempotent()
{
    GpuAllocator allocator({4, 5, 6});
    const auto first = allocator.allocate(QStringLiteral("job"), 2);
    QVERIFY(first);
    const auto again = allocator.allocate(QStringLiteral("job"), 2);
    QCOMPARE(again, first);
    QCOMPARE(allocator.freeCount(), 1);
    QCOMPARE(allocator.devicesOf(QStringLiteral("job")), *first);
    QCOMPARE(allocator.allocate(QStringLiteral("job"), 3), first);   // already holds its devices
}

void TestGpuInventory::duplicateIndexesCountOnce()
{
    GpuAllocator allocator({1, 1, 3});
    QCOMPARE(allocator.freeCount(), 2);
    QCOMPARE(allocator.allocate(QStringLiteral("job"), 2), std::optional<QList<int>>(QList<int>({1, 3})));
}

void TestGpuInventory::cudaVisibleDevices_data()
{
    QTest::addColumn<QList<int>>("indexes");
    QTest::addColumn<QString>("expected");
    QTest::newRow("none") << QList<int>() << "";
    QTest::newRow("one") << QList<int>({3}) << "3";
    QTest::newRow("two") << QList<int>({0, 2}) << "0,2";
    QTest::newRow("order kept") << QList<int>({7, 1, 4}) << "7,1,4";
}

void TestGpuInventory::cudaVisibleDevices()
{
    QFETCH(QList<int>, indexes);
    QFETCH(QString, expected);
    QCOMPARE(GpuAllocator::cudaVisibleDevices(indexes), expected);
}

QTEST_GUILESS_MAIN(TestGpuInventory)
#include "tst_gpuinventory.moc"
