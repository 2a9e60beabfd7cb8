import { startSimulator } from "../../simulator";
import { nonNegative, positiveInteger, refuseUnknownKeys } from "../../simulator/admin-checks";
import { SimulatorAdminError } from "../../simulator/admin-error";

describe("admin input checks", () => {
  it("accept whole numbers from 1, and numbers from 0, naming the field otherwise", () => {
    expect(positiveInteger(3, "seats")).toBe(3);
    for (const bad of [0, 1.5, -2, "3", undefined]) expect(() => positiveInteger(bad, "seats")).toThrow(`seats must be a positive integer, got ${JSON.stringify(bad)}`);
    expect(nonNegative(0, "hours")).toBe(0);
    expect(nonNegative(2.5, "hours")).toBe(2.5);
    for (const bad of [-1, Infinity, NaN, "1"]) expect(() => nonNegative(bad, "hours")).toThrow(SimulatorAdminError);
  });

  it("refuse unknown keys, naming them and the allowed ones", () => {
    expect(() => refuseUnknownKeys("tenant fields", { city: "Lyon" }, new Set(["city", "email"]))).not.toThrow();
    expect(() => refuseUnknownKeys("tenant fields", { town: "Lyon", mail: "x" }, new Set(["city", "email"]))).toThrow("Unknown tenant fields town, mail: use city, email");
  });

  it("are what the admin API answers for an unknown tenant or licence field", async () => {
    const sim = await startSimulator();
    try {
      const [serviceName] = sim.admin.licenceGroups();
      expect(() => sim.admin.setTenant(serviceName, { town: "Lyon" } as never)).toThrow(/^Unknown tenant fields town: use displayName, /);
      const [license] = sim.admin.licences();
      expect(() => sim.admin.setLicence(license.id, { seats: 3 } as never)).toThrow("Unknown licence fields seats: use name, limit, newSeatsAllowed, newSubscriptionsAllowed");
    } finally {
      await sim.close();
    }
  });
});
