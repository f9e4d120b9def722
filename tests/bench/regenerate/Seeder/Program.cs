using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

// Fills a FeedService database (already migrated by the app) with a realistic store for tests/bench/regenerate.sh:
// N posts of ~1.5 KB HTML (paragraphs, links absolute and relative, an image, a list, entities) with an excerpt, each in
// 1-3 of M categories (some categories bigger than others), published over the 5 years before --end. Written
// straight into SQLite in one transaction, in the formats the app uses: UTC times as fixed-width text, ids as urn:uuid.
//
//   dotnet run -c Release --project tests/bench/regenerate/Seeder -- --db PATH --posts 10000 --categories 50 --end 2026-01-01T00:00:00Z [--seed 42]
//
// With "hugo" first, it writes the posts of such a store as a Hugo site's content instead (content/posts/{id}.md:
// front matter title, date, categories, guid, link, summary; the HTML body), for the same-run anchor:
//
//   dotnet run -c Release --project tests/bench/regenerate/Seeder -- hugo --db PATH --site DIR
if (args is ["hugo", .. var hugoArgs]) return HugoExport.Run(hugoArgs);
var options = Args.Parse(args);
var random = new Random(options.Seed);
var end = options.End;
var start = end.AddYears(-5);
var clock = Stopwatch.StartNew();

using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = options.Db, Mode = SqliteOpenMode.ReadWrite }.ToString());
connection.Open();
Exec(connection, "PRAGMA foreign_keys = ON; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;");
if (Scalar(connection, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'posts'") == 0)
    throw new InvalidOperationException($"{options.Db} has no posts table: start the app on it once so it migrates the schema.");
if (Scalar(connection, "SELECT COUNT(*) FROM posts") > 0)
    throw new InvalidOperationException($"{options.Db} already holds posts; seed an empty store.");

using (var tx = connection.BeginTransaction())
{
    var categoryIds = InsertCategories(connection, tx, options.Categories, start, random);
    InsertPosts(connection, tx, options.Posts, categoryIds, start, end, random);
    tx.Commit();
}
Exec(connection, "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"seeded {options.Posts} posts in {options.Categories} categories ({Scalar(connection, "SELECT COUNT(*) FROM post_categories")} links) into {options.Db} in {clock.ElapsedMilliseconds} ms"));
return 0;

static List<long> InsertCategories(SqliteConnection c, SqliteTransaction tx, int count, DateTimeOffset created, Random random)
{
    using var insert = c.CreateCommand();
    insert.Transaction = tx;
    insert.CommandText = """
        INSERT INTO categories (slug, name, description, feed_id, created_at, updated_at)
        VALUES ($slug, $name, $description, $feedId, $at, $at) RETURNING id
        """;
    var slug = insert.Parameters.Add("$slug", SqliteType.Text);
    var name = insert.Parameters.Add("$name", SqliteType.Text);
    var description = insert.Parameters.Add("$description", SqliteType.Text);
    var feedId = insert.Parameters.Add("$feedId", SqliteType.Text);
    insert.Parameters.AddWithValue("$at", Time(created));
    var ids = new List<long>(count);
    for (var i = 1; i <= count; i++)
    {
        var word = Text.Capitalized(Text.Word(random));
        slug.Value = string.Create(CultureInfo.InvariantCulture, $"topic-{i:D3}");
        name.Value = string.Create(CultureInfo.InvariantCulture, $"{word} {i}");
        description.Value = $"News, notes and announcements about {word.ToLowerInvariant()} {Text.Word(random)}.";
        feedId.Value = $"urn:uuid:{Guid.NewGuid()}";
        ids.Add((long)insert.ExecuteScalar()!);
    }
    return ids;
}

static void InsertPosts(SqliteConnection c, SqliteTransaction tx, int count, List<long> categories, DateTimeOffset start, DateTimeOffset end, Random random)
{
    using var insert = c.CreateCommand();
    insert.Transaction = tx;
    insert.CommandText = """
        INSERT INTO posts (guid, title, summary, content, author, link, status, published_at, updated_at, created_at)
        VALUES ($guid, $title, $summary, $content, $author, $link, 'published', $published, $updated, $published) RETURNING id
        """;
    var guid = insert.Parameters.Add("$guid", SqliteType.Text);
    var title = insert.Parameters.Add("$title", SqliteType.Text);
    var summary = insert.Parameters.Add("$summary", SqliteType.Text);
    var content = insert.Parameters.Add("$content", SqliteType.Text);
    var author = insert.Parameters.Add("$author", SqliteType.Text);
    var link = insert.Parameters.Add("$link", SqliteType.Text);
    var published = insert.Parameters.Add("$published", SqliteType.Text);
    var updated = insert.Parameters.Add("$updated", SqliteType.Text);

    using var linkCategory = c.CreateCommand();
    linkCategory.Transaction = tx;
    linkCategory.CommandText = "INSERT INTO post_categories (post_id, category_id) VALUES ($post, $category)";
    var postId = linkCategory.Parameters.Add("$post", SqliteType.Integer);
    var categoryId = linkCategory.Parameters.Add("$category", SqliteType.Integer);

    // Some categories are busier than others: category k is picked with weight 1/sqrt(k).
    var weights = categories.Select((_, k) => 1 / Math.Sqrt(k + 1)).ToArray();
    var total = weights.Sum();
    var span = (end - start).Ticks;
    string[] authors = ["Ann Example", "Bob Writer", "Chidi Okafor", "Dana Schmidt", "Eve Martin", ""];
    for (var i = 0; i < count; i++)
    {
        var at = start.AddTicks((long)(random.NextDouble() * span));
        var words = Text.Sentence(random, 4, 9);
        var titleText = words.TrimEnd('.');
        var slug = string.Join('-', titleText.ToLowerInvariant().Split(' ').Take(5));
        var absolute = random.NextDouble() < 0.7;
        guid.Value = $"urn:uuid:{Guid.NewGuid()}";
        title.Value = titleText;
        summary.Value = $"<p>{Text.Sentence(random, 18, 30)} {Text.Sentence(random, 8, 14)}</p>";
        content.Value = Text.Body(random, slug);
        author.Value = authors[random.Next(authors.Length)];
        link.Value = absolute ? string.Create(CultureInfo.InvariantCulture, $"https://news.example.org/{at.Year}/{at.Month:D2}/{slug}") : DBNull.Value;
        published.Value = Time(at);
        updated.Value = Time(random.NextDouble() < 0.1 ? Min(at.AddDays(random.Next(1, 30)), end) : at);
        var id = (long)insert.ExecuteScalar()!;

        postId.Value = id;
        var picked = new HashSet<long>();
        var want = 1 + random.Next(3);
        while (picked.Count < want)
        {
            var x = random.NextDouble() * total;
            var k = 0;
            while (k < weights.Length - 1 && (x -= weights[k]) > 0) k++;
            if (!picked.Add(categories[k])) continue;
            categoryId.Value = categories[k];
            linkCategory.ExecuteNonQuery();
        }
    }
}

static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

static void Exec(SqliteConnection c, string sql)
{
    using var command = c.CreateCommand();
    command.CommandText = sql;
    command.ExecuteNonQuery();
}

static long Scalar(SqliteConnection c, string sql)
{
    using var command = c.CreateCommand();
    command.CommandText = sql;
    return (long)command.ExecuteScalar()!;
}

internal static class Text
{
    private static readonly string[] Words =
    [
        "probation", "service", "inspection", "report", "community", "justice", "council", "review", "policy", "public",
        "health", "housing", "transport", "budget", "education", "school", "library", "planning", "consultation", "board",
        "annual", "quarterly", "update", "announcement", "statement", "guidance", "training", "support", "staff", "volunteers",
        "regional", "national", "local", "partnership", "programme", "funding", "grant", "results", "findings", "progress",
        "safety", "quality", "standards", "improvement", "measures", "evidence", "research", "data", "access", "digital",
        "network", "open", "meeting", "minutes", "agenda", "committee", "court", "prison", "youth", "family",
        "environment", "climate", "energy", "water", "waste", "roads", "parks", "culture", "heritage", "museum",
        "event", "festival", "sport", "recreation", "employment", "skills", "business", "economy", "trade", "tourism",
    ];

    public static string Word(Random random) => Words[random.Next(Words.Length)];

    public static string Capitalized(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    public static string Sentence(Random random, int min, int max)
    {
        var count = random.Next(min, max + 1);
        var text = new StringBuilder(Capitalized(Word(random)));
        for (var i = 1; i < count; i++) text.Append(' ').Append(Word(random));
        return text.Append('.').ToString();
    }

    /// <summary>About 1.5 KB of the HTML a CMS produces: paragraphs, emphasis, links (absolute and relative), an image, a list, entities.</summary>
    public static string Body(Random random, string slug)
    {
        var html = new StringBuilder(1700);
        html.Append("<p>").Append(Sentence(random, 12, 20)).Append(" <strong>").Append(Sentence(random, 3, 6).TrimEnd('.')).Append("</strong> ")
            .Append(Sentence(random, 10, 16)).Append("</p>\n");
        html.Append("<p>").Append(Sentence(random, 10, 18)).Append(" See <a href=\"https://www.example.gov/").Append(Word(random)).Append('/').Append(slug)
            .Append("\">the full report</a> &amp; <a href=\"/related/").Append(Word(random)).Append("\">related notes</a>.</p>\n");
        html.Append("<p><img src=\"/images/").Append(slug).Append(".jpg\" alt=\"").Append(Sentence(random, 3, 6).TrimEnd('.')).Append("\" width=\"640\" height=\"360\"></p>\n");
        html.Append("<ul>");
        for (var i = random.Next(2, 5); i > 0; i--) html.Append("<li>").Append(Sentence(random, 4, 9)).Append("</li>");
        html.Append("</ul>\n");
        while (html.Length < 1400) html.Append("<p>").Append(Sentence(random, 14, 24)).Append(" <em>").Append(Word(random)).Append("</em> ").Append(Sentence(random, 6, 12)).Append("</p>\n");
        html.Append("<p>Continue reading &#8230;</p>");
        return html.ToString();
    }
}

internal sealed record Args(string Db, int Posts, int Categories, int Seed, DateTimeOffset End)
{
    public static Args Parse(string[] args)
    {
        string? db = null;
        int posts = 10_000, categories = 50, seed = 42;
        DateTimeOffset? end = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--db": db = value; break;
                case "--posts": posts = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--categories": categories = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--end": end = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        return new Args(db ?? throw new ArgumentException("--db PATH is required"), posts, categories, seed,
            end ?? throw new ArgumentException("--end TIME is required (the newest post's time bound, e.g. now)"));
    }
}

internal static class HugoExport
{
    public static int Run(string[] args)
    {
        string? db = null, site = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--db") db = args[i + 1];
            else if (args[i] == "--site") site = args[i + 1];
            else throw new ArgumentException($"unknown option {args[i]}");
        }
        if (db is null || site is null) throw new ArgumentException("hugo --db PATH --site DIR");
        var folder = Path.Combine(site, "content", "posts");
        Directory.CreateDirectory(folder);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT p.id, p.guid, p.title, p.summary, p.content, p.link, p.published_at,
                   (SELECT group_concat(c.slug, ' ') FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = p.id)
            FROM posts p WHERE p.status = 'published' ORDER BY p.id
            """;
        using var reader = command.ExecuteReader();
        var count = 0;
        var text = new StringBuilder();
        while (reader.Read())
        {
            text.Clear();
            var id = reader.GetInt64(0);
            text.Append("---\n");
            text.Append("title: ").Append(Yaml(reader.GetString(2))).Append('\n');
            text.Append("date: ").Append(reader.GetString(6)).Append('\n');
            text.Append("guid: ").Append(Yaml(reader.GetString(1))).Append('\n');
            if (!reader.IsDBNull(5)) text.Append("link: ").Append(Yaml(reader.GetString(5))).Append('\n');
            text.Append("summary: ").Append(Yaml(reader.GetString(3))).Append('\n');
            text.Append("categories: [").AppendJoin(", ", (reader.IsDBNull(7) ? "" : reader.GetString(7)).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Yaml)).Append("]\n");
            text.Append("---\n").Append(reader.GetString(4)).Append('\n');
            File.WriteAllText(Path.Combine(folder, id.ToString(CultureInfo.InvariantCulture) + ".md"), text.ToString());
            count++;
        }
        Console.WriteLine($"wrote {count} posts into {folder}");
        return 0;
    }

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Yaml(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
