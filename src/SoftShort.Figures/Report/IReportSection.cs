namespace SoftShort.Figures.Report;

/// <summary>
/// One part of the <c>softshort reproduce</c> report: runs a figure pipeline on the bundled sample data and
/// adds its charts, images, tables, CSV data and key numbers through the <see cref="ReportContext"/>.
/// Sections are found by reflection: add a public class with a parameterless constructor and it appears in the
/// report, ordered by <see cref="Order"/> (00 tour = 0, radiography = 10, kymographs = 20, XCT = 30, neutron CT = 40,
/// phase field = 50, FE = 60, electrochemistry = 70).
/// </summary>
public interface IReportSection
{
    /// <summary>Short id, snake_case: a key in summary.json and a prefix of the CSV files.</summary>
    string Id { get; }
    /// <summary>Heading in the report.</summary>
    string Title { get; }
    /// <summary>The paper figures this section reproduces, e.g. "Fig. 2D, 2E".</summary>
    string PaperFigures { get; }
    int Order { get; }
    void Build(ReportContext context);
}
