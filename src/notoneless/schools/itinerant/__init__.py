"""The itinerant-teaching planner (走教): the week's input from the registers (``problem``), road
times (``travel``), the CP-SAT model (``solver``), periods within a session (``periods``), and the
plan saved and reported (``plan``, ``report``)."""
