// Icons the friends views need beyond ui/icons (decorative: buttons carry their own names).
const svg = (d: string) => (props: { size?: number }) => (
  <svg width={props.size ?? 20} height={props.size ?? 20} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
    <path d={d} />
  </svg>
);

export const IconChat = svg("M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.6A8 8 0 1 1 21 12z");
export const IconCheck = svg("M20 6 9 17l-5-5");
export const IconX = svg("M18 6 6 18M6 6l12 12");
export const IconUserMinus = svg("M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM16 11h6");
export const IconUserPlus = svg("M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM19 8v6M16 11h6");
export const IconBlock = svg("M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM4.9 4.9l14.2 14.2");
export const IconMore = svg("M12 5h.01M12 12h.01M12 19h.01");
export const IconCrown = svg("M3 8l4 4 5-7 5 7 4-4-2 11H5z");
export const IconSearch = svg("M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5");
export const IconWave = svg("M7 11V6a2 2 0 0 1 4 0v5M11 10V4a2 2 0 0 1 4 0v6M15 10V6a2 2 0 0 1 4 0v8a7 7 0 0 1-7 7h-1a7 7 0 0 1-6-3.4L3 14a2 2 0 0 1 3.4-2L7 13");
