using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK (0x2) on the GLIBCXX_3.4.32 entry of .gnu.version_r in every
/// libLibTorchSharp.so below <see cref="Directory"/>. ELF64 little-endian only (linux-x64).
/// </summary>
public class XaiVisionMarkGlibcxxNeedWeak : Task
{
    const string Needed = "GLIBCXX_3.4.32";
    const ushort VerFlgWeak = 0x2;
    const uint ShtGnuVerneed = 0x6ffffffe;

    [Required] public string Directory { get; set; } = "";

    /// <summary>Patch even where this machine's libstdc++ is new enough (the output runs elsewhere).</summary>
    public bool Force { get; set; }

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        if (!Force && SystemLibstdcxxHas(Needed))
        {
            Log.LogMessage(MessageImportance.Low, "libstdc++ provides " + Needed + "; libLibTorchSharp.so left as is.");
            return true;
        }
        foreach (var path in System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(path);
            int changed = MarkWeak(bytes);
            if (changed < 0) { Log.LogWarning("Not an ELF64 little-endian file: " + path); continue; }
            if (changed == 0) continue;
            var temp = path + ".patching";
            File.WriteAllBytes(temp, bytes);
            File.Delete(path);
            File.Move(temp, path);
            Log.LogMessage(MessageImportance.High, "Marked " + Needed + " need weak in " + path);
        }
        return true;
    }

    static bool SystemLibstdcxxHas(string version)
    {
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu" })
        {
            var lib = Path.Combine(dir, "libstdc++.so.6");
            if (!File.Exists(lib)) continue;
            var text = Encoding.ASCII.GetString(File.ReadAllBytes(lib));
            return text.Contains(version + "\0");
        }
        return false;
    }

    /// <returns>number of entries changed; -1 when the file is not ELF64 LE.</returns>
    static int MarkWeak(byte[] b)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F' || b[4] != 2 || b[5] != 1) return -1;
        long shoff = (long)BitConverter.ToUInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A);
        int shnum = BitConverter.ToUInt16(b, 0x3C);
        int changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(b, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = (long)BitConverter.ToUInt64(b, (int)sh + 0x18);
            uint link = BitConverter.ToUInt32(b, (int)sh + 0x28);
            long strSh = shoff + (long)link * shentsize;
            long strOffset = (long)BitConverter.ToUInt64(b, (int)strSh + 0x18);

            long vn = offset;
            while (true)
            {
                ushort count = BitConverter.ToUInt16(b, (int)vn + 2);
                long aux = vn + BitConverter.ToUInt32(b, (int)vn + 8);
                for (int a = 0; a < count; a++)
                {
                    uint name = BitConverter.ToUInt32(b, (int)aux + 8);
                    if (ReadCString(b, strOffset + name) == Needed)
                    {
                        ushort flags = BitConverter.ToUInt16(b, (int)aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            flags |= VerFlgWeak;
                            b[aux + 4] = (byte)flags;
                            b[aux + 5] = (byte)(flags >> 8);
                            changed++;
                        }
                    }
                    uint nextAux = BitConverter.ToUInt32(b, (int)aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = BitConverter.ToUInt32(b, (int)vn + 12);
                if (next == 0) break;
                vn += next;
            }
        }
        return changed;
    }

    static string ReadCString(byte[] b, long start)
    {
        long end = start;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)start, (int)(end - start));
    }
}
