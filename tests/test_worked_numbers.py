"""Does every notebook show the worked numbers of the source material's NOTES.md?"""
import pytest
from support import printed_by


# What each executed source notebook must print, taken from shared/seeds/NOTES.md.
WORKED_NUMBERS = {
    "02_gates": ["f = -20", "add gate passes 2.00 and 2.00 to its inputs",
                 "max gate routes 2.00 to z and 0.00 to w",
                 "multiply gate swaps: df/dx = -8, df/dy = 6"],
    "03_chain_rule": ["q = 3, f = -12", "df/dz = 3, df/dq = -4, df/dx = -4, df/dy = -4"],
    "04_sigmoid_neuron": ["dot = 1, f = 0.7311", "d dot = 0.1966", "dx = [ 0.3932 -0.5898]",
                          "dw = [-0.1966 -0.3932  0.1966]"],
    "05_staged_backprop": ["f = 1.5456, df/dx = 2.0596, df/dy = 1.5922"],
}



@pytest.mark.parametrize("name", sorted(WORKED_NUMBERS))
def test_does_the_notebook_print_the_worked_numbers(validated, name):
    printed = printed_by(validated, name)
    for line in WORKED_NUMBERS[name]:
        assert line in printed
