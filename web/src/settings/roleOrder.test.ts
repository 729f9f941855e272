import { describe, expect, it } from "vitest";
import type { Role } from "../state/model";
import { byHierarchy, moveAllowed, moveRole } from "./roleOrder";

const role = (id: string, position: number) => ({ id, position }) as Role;

describe("moveRole", () => {
  const ordered = byHierarchy([role("1", 1), role("3", 3), role("2", 2), role("4", 4)]);

  it("orders highest first", () => {
    expect(ordered.map((r) => r.id)).toEqual(["4", "3", "2", "1"]);
  });

  it("swaps neighbours", () => {
    expect(moveRole(ordered, "2", 1)).toEqual([
      { roleId: "2", position: 3 },
      { roleId: "3", position: 2 },
    ]);
  });

  it("moves across several roles touching only those between", () => {
    expect(moveRole(ordered, "1", 1)).toEqual([
      { roleId: "1", position: 3 },
      { roleId: "3", position: 2 },
      { roleId: "2", position: 1 },
    ]);
  });

  it("renumbers duplicate positions", () => {
    const dup = byHierarchy([role("1", 1), role("2", 1), role("3", 2)]);
    const changes = moveRole(dup, "2", 0);
    expect(changes.find((c) => c.roleId === "2")?.position).toBe(3);
  });

  it("respects the caller's top position", () => {
    expect(moveAllowed(ordered, moveRole(ordered, "1", 2), 3)).toBe(true);
    expect(moveAllowed(ordered, moveRole(ordered, "1", 1), 3)).toBe(false);
  });
});
