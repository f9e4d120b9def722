using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using Xunit;

namespace FeedService.Tests.Architecture;

/// <summary>
/// The folders of src/FeedService depend on each other one way, as docs/architecture.md draws it: the allowed uses are
/// read from that document's "Uses:" lines, and every use in the compiled code (signatures, fields, base types and
/// every member a method body touches) must be one of them. A new use or a new folder fails here until the document
/// says so, and the document cannot allow a cycle.
/// </summary>
public sealed partial class DependencyTests
{
    private static readonly Assembly App = typeof(Program).Assembly;

    [Fact]
    public void Every_use_between_folders_is_one_the_architecture_document_allows()
    {
        var allowed = AllowedUses();
        var actual = ActualUses();
        var unknown = actual.Keys.Concat(actual.Values.SelectMany(v => v.Keys)).Distinct().Where(f => !allowed.ContainsKey(f)).ToList();
        Assert.True(unknown.Count == 0, $"folders missing from docs/architecture.md: {string.Join(", ", unknown)}");
        var forbidden = actual
            .SelectMany(user => user.Value.Where(used => !allowed[user.Key].Contains(used.Key))
                .Select(used => $"{user.Key} -> {used.Key} (e.g. {used.Value})"))
            .ToList();
        Assert.True(forbidden.Count == 0, "uses docs/architecture.md does not allow:\n" + string.Join("\n", forbidden));
    }

    [Fact]
    public void The_allowed_uses_form_layers_without_a_cycle()
    {
        var allowed = AllowedUses();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        while (placed.Count < allowed.Count)
        {
            var next = allowed.Where(f => !placed.Contains(f.Key) && f.Value.All(placed.Contains)).Select(f => f.Key).ToList();
            Assert.True(next.Count > 0, "a cycle among: " + string.Join(", ", allowed.Keys.Where(k => !placed.Contains(k))));
            placed.UnionWith(next);
        }
        Assert.DoesNotContain(allowed.SelectMany(f => f.Value), u => !allowed.ContainsKey(u));
    }

    [Fact]
    public void Each_file_declares_the_namespace_of_its_folder()
    {
        var src = Path.Combine(RepositoryRoot(), "src", "FeedService");
        var wrong = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: Path.GetRelativePath(src, f), Namespace: NamespaceLine().Match(File.ReadAllText(f)).Groups[1].Value))
            .Where(f => Path.GetDirectoryName(f.File) is { Length: > 0 } folder
                ? f.Namespace != "FeedService." + folder.Replace(Path.DirectorySeparatorChar, '.')
                : f.Namespace.Length > 0)
            .Select(f => $"{f.File}: namespace {f.Namespace}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^### (\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex FolderHeading();

    [GeneratedRegex(@"^Uses: (.*)$", RegexOptions.Multiline)]
    private static partial Regex UsesLine();

    /// <summary>Each "### Folder" section of docs/architecture.md and its "Uses: A, B." (or "Uses: nothing.") line.</summary>
    private static Dictionary<string, HashSet<string>> AllowedUses()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "architecture.md"));
        var headings = FolderHeading().Matches(doc);
        var allowed = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < headings.Count; i++)
        {
            var end = i + 1 < headings.Count ? headings[i + 1].Index : doc.Length;
            var section = doc[headings[i].Index..end];
            var uses = UsesLine().Match(section);
            Assert.True(uses.Success, $"docs/architecture.md: section {headings[i].Groups[1].Value} has no \"Uses:\" line");
            var list = uses.Groups[1].Value.Trim().TrimEnd('.');
            allowed[headings[i].Groups[1].Value] = list == "nothing"
                ? []
                : list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        }
        Assert.NotEmpty(allowed);
        return allowed;
    }

    /// <summary>Folder → folders it uses, each with one example of the use.</summary>
    private static Dictionary<string, Dictionary<string, string>> ActualUses()
    {
        var uses = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var type in App.GetTypes())
        {
            var user = FolderOf(type);
            if (user is null) continue;
            foreach (var (used, where) in Referenced(type))
            {
                var folder = FolderOf(used);
                if (folder is null || folder == user) continue;
                var of = uses.TryGetValue(user, out var found) ? found : uses[user] = new(StringComparer.Ordinal);
                of.TryAdd(folder, $"{type.FullName} uses {used.FullName} in {where}");
            }
        }
        return uses;
    }

    /// <summary>FeedService.Posts.X → "Posts"; null for the root (Program composes everything) and for types not ours.</summary>
    private static string? FolderOf(Type type)
    {
        while (type.IsNested) type = type.DeclaringType!;
        if (type.Assembly != App || type.Namespace is not { } ns || !ns.StartsWith("FeedService.", StringComparison.Ordinal)) return null;
        return ns.Split('.')[1];
    }

    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static List<(Type Type, string Where)> Referenced(Type type)
    {
        var found = new List<(Type Type, string Where)>();
        void Add(Type? t, string where)
        {
            if (t is null) return;
            if (t.HasElementType) Add(t.GetElementType(), where);
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                Add(t.GetGenericTypeDefinition(), where);
                foreach (var a in t.GetGenericArguments()) Add(a, where);
            }
            if (!t.IsGenericParameter) found.Add((t, where));
        }
        Add(type.BaseType, "its base type");
        foreach (var i in type.GetInterfaces()) Add(i, "an interface");
        foreach (var f in type.GetFields(Everything)) Add(f.FieldType, $"field {f.Name}");
        foreach (var p in type.GetProperties(Everything)) Add(p.PropertyType, $"property {p.Name}");
        foreach (var m in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (m is MethodInfo mi) Add(mi.ReturnType, $"{m.Name}'s return type");
            foreach (var p in m.GetParameters()) Add(p.ParameterType, $"{m.Name}'s parameters");
            var body = m.GetMethodBody();
            if (body is null) continue;
            foreach (var local in body.LocalVariables) Add(local.LocalType, $"{m.Name}'s locals");
            foreach (var member in BodyReferences(m, body.GetILAsByteArray() ?? []))
            {
                switch (member)
                {
                    case Type t: Add(t, $"{m.Name}'s body"); break;
                    case MethodBase callee:
                        Add(callee.DeclaringType, $"{m.Name}'s body");
                        if (callee is MethodInfo { IsGenericMethod: true } g) foreach (var a in g.GetGenericArguments()) Add(a, $"{m.Name}'s body");
                        break;
                    case FieldInfo field: Add(field.DeclaringType, $"{m.Name}'s body"); Add(field.FieldType, $"{m.Name}'s body"); break;
                }
            }
        }
        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every type, method and field a method body's instructions name.</summary>
    private static IEnumerable<MemberInfo> BodyReferences(MethodBase method, byte[] il)
    {
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    yield return method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs)!;
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FeedService.sln"))) return dir.FullName;
        throw new InvalidOperationException("FeedService.sln not found above " + AppContext.BaseDirectory);
    }
}
